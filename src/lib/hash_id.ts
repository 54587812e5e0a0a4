/**
 * Upstream's content-derived ids: prefix `P` and content `C` give
 * `P + ":" + base64url-no-pad(SHA-224(P + ":" + C))`.
 */
import { createHash } from "node:crypto";

export function hashedId(prefix: string, content: string): string {
  const digest = createHash("sha224").update(`${prefix}:${content}`, "utf8").digest("base64url");
  return `${prefix}:${digest}`;
}
