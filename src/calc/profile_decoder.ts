/**
 * Recognises the profiles that stand for Kubernetes namespaces (`kns.<ns>`) and service accounts
 * (`ksa.<ns>.<sa>`) and reports their labels, with the `pcns.` / `pcsa.` prefixes stripped, as
 * namespace and service-account updates. Other profiles are ignored.
 *
 * @module
 */
import {
  NAMESPACE_LABEL_PREFIX,
  NAMESPACE_PROFILE_PREFIX,
  SERVICE_ACCOUNT_LABEL_PREFIX,
  SERVICE_ACCOUNT_PROFILE_PREFIX,
} from "../model/convert_names.ts";
import type { Labels } from "../model/values.ts";
import type { CalcSink } from "./sinks.ts";

function stripPrefix(labels: Labels, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  }
  return out;
}

/** The sink methods the decoder uses. */
export type ProfileDecoderSink = Pick<
  CalcSink,
  "onNamespaceUpdate" | "onNamespaceRemove" | "onServiceAccountUpdate" | "onServiceAccountRemove"
>;

/** Upstream's ProfileDecoder. */
export class ProfileDecoder {
  readonly #sink: ProfileDecoderSink;

  constructor(options: { readonly sink: ProfileDecoderSink }) {
    this.#sink = options.sink;
  }

  /** A profile's labels changed (`undefined` = deleted). */
  updateProfileLabels(name: string, labels: Labels | undefined): void {
    if (name.startsWith(NAMESPACE_PROFILE_PREFIX)) {
      const ns = name.slice(NAMESPACE_PROFILE_PREFIX.length);
      if (labels === undefined) this.#sink.onNamespaceRemove(ns);
      else this.#sink.onNamespaceUpdate(ns, stripPrefix(labels, NAMESPACE_LABEL_PREFIX));
      return;
    }
    if (name.startsWith(SERVICE_ACCOUNT_PROFILE_PREFIX)) {
      const rest = name.slice(SERVICE_ACCOUNT_PROFILE_PREFIX.length);
      const dot = rest.indexOf(".");
      if (dot <= 0) return;
      const ns = rest.slice(0, dot);
      const sa = rest.slice(dot + 1);
      const own = labels && stripPrefix(labels, SERVICE_ACCOUNT_LABEL_PREFIX);
      if (own === undefined) this.#sink.onServiceAccountRemove(ns, sa);
      else this.#sink.onServiceAccountUpdate(ns, sa, own);
    }
  }
}
