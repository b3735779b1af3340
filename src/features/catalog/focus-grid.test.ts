import { describe, expect, it } from "vitest";
import { moveFocus } from "./focus-grid.ts";

describe("moveFocus", () => {
  const rows = [3, 0, 5, 1];
  it("moves along a row and stops at its ends", () => {
    expect(moveFocus(rows, { row: 0, col: 1 }, "ArrowRight")).toEqual({ row: 0, col: 2 });
    expect(moveFocus(rows, { row: 0, col: 2 }, "ArrowRight")).toBeNull();
    expect(moveFocus(rows, { row: 0, col: 0 }, "ArrowLeft")).toBeNull();
  });
  it("moves between rows, skipping empty ones and keeping the column when it can", () => {
    expect(moveFocus(rows, { row: 0, col: 2 }, "ArrowDown")).toEqual({ row: 2, col: 2 });
    expect(moveFocus(rows, { row: 2, col: 4 }, "ArrowDown")).toEqual({ row: 3, col: 0 });
    expect(moveFocus(rows, { row: 2, col: 4 }, "ArrowUp")).toEqual({ row: 0, col: 2 });
    expect(moveFocus(rows, { row: 3, col: 0 }, "ArrowDown")).toBeNull();
    expect(moveFocus(rows, { row: 0, col: 0 }, "Enter")).toBeNull();
  });
});
