/**
 * Recognises the profiles that stand for Kubernetes namespaces (`kns.<ns>`) and service accounts
 * (`ksa.<ns>.<sa>`) and reports their labels, with the `pcns.` / `pcsa.` prefixes stripped, as
 * namespace and service-account updates. Other profiles are ignored.
 *
 * @module
 */
import type { Labels } from "../model/values.ts";
import type { CalcSink } from "./sinks.ts";

const NS_PROFILE = "kns.";
const SA_PROFILE = "ksa.";
const NS_LABEL = "pcns.";
const SA_LABEL = "pcsa.";

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
    if (name.startsWith(NS_PROFILE)) {
      const ns = name.slice(NS_PROFILE.length);
      if (labels === undefined) this.#sink.onNamespaceRemove(ns);
      else this.#sink.onNamespaceUpdate(ns, stripPrefix(labels, NS_LABEL));
      return;
    }
    if (name.startsWith(SA_PROFILE)) {
      const rest = name.slice(SA_PROFILE.length);
      const dot = rest.indexOf(".");
      if (dot <= 0) return;
      const ns = rest.slice(0, dot);
      const sa = rest.slice(dot + 1);
      if (labels === undefined) this.#sink.onServiceAccountRemove(ns, sa);
      else this.#sink.onServiceAccountUpdate(ns, sa, stripPrefix(labels, SA_LABEL));
    }
  }
}
