/** The app shell: composes the features; features never import each other. */
import { CatalogPage } from "../features/catalog/CatalogPage.tsx";

export function App() {
  return (
    <>
      <header className="top">
        <h1>Streamlab</h1>
      </header>
      <CatalogPage />
    </>
  );
}
