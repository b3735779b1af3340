/**
 * The hosts whose streams play through the network's proxy (users opened them by URL): their
 * requests are in the appliances' counters above like a title's.
 */
export function ForeignHosts({ hosts }: { hosts: readonly string[] }) {
  if (hosts.length === 0) return null;
  return (
    <p className="lab-foreign" data-testid="lab-foreign-hosts">
      Streams from outside the catalog through the appliances, from {hosts.join(", ")}: shaped,
      faulted and counted as titles are.
    </p>
  );
}
