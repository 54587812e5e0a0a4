/**
 * IP-set ids, all content-derived (`reference/selectors-policy.md` §4.3): equal content means
 * equal id, so rules that use the same selector, named port or service share one set.
 *
 * | kind | id |
 * |---|---|
 * | selector | the selector's `uniqueId()` (`s:` + hash of its canonical form) |
 * | named port | `n:` + hash of `<selectorUniqueId>,<protocol>,<portName>` |
 * | service with ports | `svc:` + hash of `<namespace>/<name>` |
 * | service, addresses only | `svcnoport:` + hash of `<namespace>/<name>` |
 *
 * @module
 */
import { hashedId } from "../lib/hash_id.ts";
import type { Selector } from "../selector/mod.ts";

/** The protocol of a named-port set: what the rule said, folded to these four. */
export type NamedPortProtocol = "tcp" | "udp" | "sctp" | "any";

/** The id of the set of addresses the selector matches. */
export function selectorIPSetId(selector: Selector): string {
  return selector.uniqueId();
}

/** The id of the set of `<ip>,<proto>:<port>` members for one named port. */
export function namedPortIPSetId(
  selector: Selector,
  protocol: NamedPortProtocol,
  portName: string,
): string {
  return hashedId("n", `${selector.uniqueId()},${protocol},${portName}`);
}

/** The id of a service's address-and-port set (a rule's destination service). */
export function serviceIPSetId(namespace: string, name: string): string {
  return hashedId("svc", `${namespace}/${name}`);
}

/** The id of a service's address-only set (a rule's source service). */
export function serviceNoPortIPSetId(namespace: string, name: string): string {
  return hashedId("svcnoport", `${namespace}/${name}`);
}

/** Whether an IP-set id is a selector or named-port set (the ones the member index fills). */
export function isSelectorBasedIPSetId(id: string): boolean {
  return id.startsWith("s:") || id.startsWith("n:");
}
