import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { ActiveRulesCalculator } from "../../src/calc/active_rules_calculator.ts";
import { parseSelector } from "../../src/selector/mod.ts";
import type { PolicyMatchListener, RuleScannerInput } from "../../src/calc/sinks.ts";
import type { PolicyKey } from "../../src/model/keys.ts";
import type { Policy, ProfileRules } from "../../src/model/values.ts";
import { modelPolicy, modelRule, policyKey as key } from "./fixtures.ts";

/** Records every call as one line of text; `take()` returns and clears them. */
class LineRecorder implements RuleScannerInput, PolicyMatchListener {
  #lines: string[] = [];
  /** Policy content last sent per policy name, to check re-sends carry the new content. */
  readonly lastPolicy = new Map<string, Policy>();

  onPolicyActive(key: PolicyKey, policy: Policy): void {
    this.lastPolicy.set(key.name, policy);
    this.#lines.push(`active ${key.name}`);
  }
  onPolicyInactive(key: PolicyKey): void {
    this.#lines.push(`inactive ${key.name}`);
  }
  onProfileActive(name: string, rules: ProfileRules | undefined): void {
    this.#lines.push(
      `profile ${name} ${rules === undefined ? "unknown" : rules.inboundRules.length}`,
    );
  }
  onProfileInactive(name: string): void {
    this.#lines.push(`profile-inactive ${name}`);
  }
  onPolicyMatch(policy: PolicyKey, endpointId: string): void {
    this.#lines.push(`match ${policy.name} ${endpointId}`);
  }
  onPolicyMatchStopped(policy: PolicyKey, endpointId: string): void {
    this.#lines.push(`unmatch ${policy.name} ${endpointId}`);
  }
  take(): string[] {
    const out = this.#lines;
    this.#lines = [];
    return out;
  }
}

function setup(): { rec: LineRecorder; arc: ActiveRulesCalculator } {
  const rec = new LineRecorder();
  return { rec, arc: new ActiveRulesCalculator({ ruleScanner: rec, matchListener: rec }) };
}

function policy(selector: string, extra: Partial<Policy> = {}): Policy {
  return modelPolicy({ selector, originalSelector: selector, ...extra });
}

const ALLOW = modelRule();

function rules(n: number): ProfileRules {
  return { inboundRules: Array.from({ length: n }, () => ALLOW), outboundRules: [] };
}

Deno.test("ActiveRulesCalculator activates a policy when it first matches a local endpoint", () => {
  const { rec, arc } = setup();
  arc.updatePolicy(key("p"), policy("app == 'web'"));
  deepEqual(rec.take(), []);
  arc.updateLocalEndpoint("ep1", { labels: { app: "web" }, profileIds: [] });
  deepEqual(rec.take(), ["match p ep1", "active p"]);
  arc.updateLocalEndpoint("ep2", { labels: { app: "web" }, profileIds: [] });
  deepEqual(rec.take(), ["match p ep2"]);
  equal(arc.isPolicyActive(key("p")), true);
  deepEqual(arc.matchesOf(key("p")), new Set(["ep1", "ep2"]));
});

Deno.test("ActiveRulesCalculator deactivates a policy when a label change removes its last match", () => {
  const { rec, arc } = setup();
  arc.updatePolicy(key("p"), policy("app == 'web'"));
  arc.updateLocalEndpoint("ep1", { labels: { app: "web" }, profileIds: [] });
  rec.take();
  arc.updateLocalEndpoint("ep1", { labels: { app: "db" }, profileIds: [] });
  deepEqual(rec.take(), ["unmatch p ep1", "inactive p"]);
  equal(arc.isPolicyActive(key("p")), false);
  arc.updateLocalEndpoint("ep1", { labels: { app: "web" }, profileIds: [] });
  deepEqual(rec.take(), ["match p ep1", "active p"]);
  arc.updateLocalEndpoint("ep1", undefined);
  deepEqual(rec.take(), ["unmatch p ep1", "inactive p"]);
});

Deno.test("ActiveRulesCalculator follows profile-label inheritance changes", () => {
  const { rec, arc } = setup();
  arc.updatePolicy(key("p"), policy("team == 'blue'"));
  arc.updateLocalEndpoint("ep1", { labels: {}, profileIds: ["prof-1", "prof-2"] });
  deepEqual(rec.take(), ["profile prof-1 unknown", "profile prof-2 unknown"]);
  arc.updateProfileLabels("prof-2", { team: "blue" });
  deepEqual(rec.take(), ["match p ep1", "active p"]);
  // An earlier profile shadows a later one.
  arc.updateProfileLabels("prof-1", { team: "red" });
  deepEqual(rec.take(), ["unmatch p ep1", "inactive p"]);
  arc.updateProfileLabels("prof-1", undefined);
  deepEqual(rec.take(), ["match p ep1", "active p"]);
  // Own labels shadow profile labels.
  arc.updateLocalEndpoint("ep1", { labels: { team: "green" }, profileIds: ["prof-1", "prof-2"] });
  deepEqual(rec.take(), ["unmatch p ep1", "inactive p"]);
});

Deno.test("ActiveRulesCalculator keeps AssumeNeededOnEveryNode policies active without matches", () => {
  const { rec, arc } = setup();
  const hinted = policy("app == 'none'", { performanceHints: ["AssumeNeededOnEveryNode"] });
  arc.updatePolicy(key("p"), hinted);
  deepEqual(rec.take(), ["active p"]);
  arc.updateLocalEndpoint("ep1", { labels: { app: "none" }, profileIds: [] });
  deepEqual(rec.take(), ["match p ep1"]);
  arc.updateLocalEndpoint("ep1", undefined);
  deepEqual(rec.take(), ["unmatch p ep1"]);
  equal(arc.isPolicyActive(key("p")), true);
  // Dropping the hint with no match left deactivates it.
  arc.updatePolicy(key("p"), policy("app == 'none'"));
  deepEqual(rec.take(), ["inactive p"]);
  arc.updatePolicy(key("p"), hinted);
  deepEqual(rec.take(), ["active p"]);
  arc.updatePolicy(key("p"), undefined);
  deepEqual(rec.take(), ["inactive p"]);
});

Deno.test("ActiveRulesCalculator never matches or activates staged policies", () => {
  const { rec, arc } = setup();
  arc.updateLocalEndpoint("ep1", { labels: { app: "web" }, profileIds: [] });
  for (const kind of ["StagedNetworkPolicy", "StagedGlobalNetworkPolicy"] as const) {
    arc.updatePolicy(key("s", kind), policy("all()"));
    arc.updatePolicy(
      key("h", kind),
      policy("all()", { performanceHints: ["AssumeNeededOnEveryNode"] }),
    );
  }
  arc.updatePolicy(key("k", "StagedKubernetesNetworkPolicy"), policy(""));
  deepEqual(rec.take(), []);
  equal(arc.isPolicyActive(key("s", "StagedNetworkPolicy")), false);
});

Deno.test("ActiveRulesCalculator treats an empty selector as all() and a bad one as matching nothing", () => {
  const { rec, arc } = setup();
  arc.updateLocalEndpoint("ep1", { labels: {}, profileIds: [] });
  arc.updatePolicy(key("p"), policy(""));
  deepEqual(rec.take(), ["match p ep1", "active p"]);
  arc.updatePolicy(key("p"), policy("app == "));
  deepEqual(rec.take(), ["unmatch p ep1", "inactive p"]);
  arc.updatePolicy(key("p"), policy("all()"));
  deepEqual(rec.take(), ["match p ep1", "active p"]);
});

Deno.test("ActiveRulesCalculator re-sends an active policy's new content once", () => {
  const { rec, arc } = setup();
  arc.updateLocalEndpoint("ep1", { labels: { app: "web" }, profileIds: [] });
  arc.updateLocalEndpoint("ep2", { labels: { app: "db" }, profileIds: [] });
  arc.updatePolicy(key("p"), policy("app == 'web'"));
  rec.take();
  arc.updatePolicy(key("p"), policy("app == 'web'", { order: 5 }));
  deepEqual(rec.take(), ["active p"]);
  equal(rec.lastPolicy.get("p")?.order, 5);
  // A selector change that swaps every match does not flip the policy inactive and back.
  arc.updatePolicy(key("p"), policy("app == 'db'", { order: 5 }));
  deepEqual(rec.take(), ["unmatch p ep1", "match p ep2", "active p"]);
  equal(rec.lastPolicy.get("p")?.selector, "app == 'db'");
});

Deno.test("ActiveRulesCalculator ignores deep-equal updates", () => {
  const { rec, arc } = setup();
  arc.updateLocalEndpoint("ep1", { labels: { app: "web" }, profileIds: ["prof"] });
  arc.updatePolicy(key("p"), policy("app == 'web'"));
  arc.updateProfileRules("prof", rules(1));
  arc.updateProfileLabels("prof", { team: "blue" });
  rec.take();
  arc.updatePolicy(key("p"), policy("app == 'web'"));
  arc.updateProfileRules("prof", rules(1));
  arc.updateLocalEndpoint("ep1", { labels: { app: "web" }, profileIds: ["prof"] });
  arc.updateProfileLabels("prof", { team: "blue" });
  deepEqual(rec.take(), []);
});

Deno.test("ActiveRulesCalculator does not activate an unmatched policy on a content change", () => {
  const { rec, arc } = setup();
  arc.updatePolicy(key("p"), policy("app == 'web'"));
  arc.updatePolicy(key("p"), policy("app == 'web'", { order: 1 }));
  arc.updatePolicy(key("p"), undefined);
  arc.updatePolicy(key("p"), undefined);
  deepEqual(rec.take(), []);
});

Deno.test("ActiveRulesCalculator reports match stops then inactive when a policy is deleted", () => {
  const { rec, arc } = setup();
  arc.updateLocalEndpoint("ep1", { labels: {}, profileIds: [] });
  arc.updateLocalEndpoint("ep2", { labels: {}, profileIds: [] });
  arc.updatePolicy(key("p"), policy("all()"));
  rec.take();
  arc.updatePolicy(key("p"), undefined);
  deepEqual(rec.take().sort(), ["inactive p", "unmatch p ep1", "unmatch p ep2"]);
  equal(arc.matchesOf(key("p")).size, 0);
});

Deno.test("ActiveRulesCalculator activates a profile while a local endpoint lists it", () => {
  const { rec, arc } = setup();
  arc.updateProfileRules("known", rules(2));
  deepEqual(rec.take(), []);
  arc.updateLocalEndpoint("ep1", { labels: {}, profileIds: ["known", "missing"] });
  deepEqual(rec.take(), ["profile known 2", "profile missing unknown"]);
  arc.updateLocalEndpoint("ep2", { labels: {}, profileIds: ["known"] });
  deepEqual(rec.take(), []);
  arc.updateProfileRules("missing", rules(1));
  deepEqual(rec.take(), ["profile missing 1"]);
  arc.updateProfileRules("known", rules(3));
  deepEqual(rec.take(), ["profile known 3"]);
  arc.updateProfileRules("missing", undefined);
  deepEqual(rec.take(), ["profile missing unknown"]);
  arc.updateLocalEndpoint("ep1", { labels: {}, profileIds: ["known"] });
  deepEqual(rec.take(), ["profile-inactive missing"]);
  arc.updateLocalEndpoint("ep1", undefined);
  deepEqual(rec.take(), []);
  arc.updateLocalEndpoint("ep2", undefined);
  deepEqual(rec.take(), ["profile-inactive known"]);
  arc.updateProfileRules("known", rules(4));
  deepEqual(rec.take(), []);
});

Deno.test("ActiveRulesCalculator counts a profile listed twice by one endpoint once", () => {
  const { rec, arc } = setup();
  arc.updateLocalEndpoint("ep1", { labels: {}, profileIds: ["a", "a"] });
  deepEqual(rec.take(), ["profile a unknown"]);
  arc.updateLocalEndpoint("ep1", { labels: {}, profileIds: ["b"] });
  deepEqual(rec.take(), ["profile b unknown", "profile-inactive a"]);
  arc.updateLocalEndpoint("ep1", undefined);
  deepEqual(rec.take(), ["profile-inactive b"]);
});

/** The state a checker rebuilds from the events, flagging any transition that should not happen. */
class StateChecker implements RuleScannerInput, PolicyMatchListener {
  readonly activePolicies = new Set<string>();
  readonly activeProfiles = new Set<string>();
  readonly matches = new Set<string>();
  readonly violations: string[] = [];
  /** The policy or profile the current operation may legitimately re-send. */
  resendable = "";

  onPolicyActive(key: PolicyKey): void {
    if (this.activePolicies.has(key.name) && this.resendable !== `policy ${key.name}`) {
      this.violations.push(`policy ${key.name} re-sent without a change`);
    }
    this.activePolicies.add(key.name);
  }
  onPolicyInactive(key: PolicyKey): void {
    if (!this.activePolicies.delete(key.name)) this.violations.push(`stray inactive ${key.name}`);
  }
  onProfileActive(name: string): void {
    if (this.activeProfiles.has(name) && this.resendable !== `profile ${name}`) {
      this.violations.push(`profile ${name} re-sent without a change`);
    }
    this.activeProfiles.add(name);
  }
  onProfileInactive(name: string): void {
    if (!this.activeProfiles.delete(name)) this.violations.push(`stray inactive profile ${name}`);
  }
  onPolicyMatch(policy: PolicyKey, endpointId: string): void {
    const pair = `${policy.name} ${endpointId}`;
    if (this.matches.has(pair)) this.violations.push(`duplicate match ${pair}`);
    this.matches.add(pair);
  }
  onPolicyMatchStopped(policy: PolicyKey, endpointId: string): void {
    const pair = `${policy.name} ${endpointId}`;
    if (!this.matches.delete(pair)) this.violations.push(`stray match stop ${pair}`);
  }
}

type Op =
  | {
    readonly op: "policy";
    readonly name: string;
    readonly sel: string | undefined;
    readonly hint: boolean;
  }
  | {
    readonly op: "endpoint";
    readonly id: string;
    readonly value: string | undefined;
    readonly profiles: string[];
  }
  | { readonly op: "labels"; readonly name: string; readonly value: string | undefined }
  | { readonly op: "rules"; readonly name: string; readonly n: number | undefined };

const NAMES = ["p1", "p2", "p3"];
const PROFILES = ["prof-a", "prof-b"];
const SELECTORS = [
  "app == 'x'",
  "app != 'x'",
  "has(app)",
  "",
  "all()",
  "app == ",
  "app in {'x','y'}",
];

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant("policy" as const),
    name: fc.constantFrom(...NAMES),
    sel: fc.option(fc.constantFrom(...SELECTORS), { nil: undefined }),
    hint: fc.boolean(),
  }),
  fc.record({
    op: fc.constant("endpoint" as const),
    id: fc.constantFrom("ep1", "ep2", "ep3"),
    value: fc.option(fc.constantFrom("x", "y", "z"), { nil: undefined }),
    profiles: fc.subarray(PROFILES),
  }),
  fc.record({
    op: fc.constant("labels" as const),
    name: fc.constantFrom(...PROFILES),
    value: fc.option(fc.constantFrom("x", "y"), { nil: undefined }),
  }),
  fc.record({
    op: fc.constant("rules" as const),
    name: fc.constantFrom(...PROFILES),
    n: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  }),
);

/** What the ARC's output should amount to, computed from scratch. */
class BruteForce {
  readonly policies = new Map<string, { sel: string; hint: boolean }>();
  readonly endpoints = new Map<string, { value: string | undefined; profiles: string[] }>();
  readonly profileLabels = new Map<string, string>();

  apply(op: Op): void {
    if (op.op === "policy") {
      if (op.sel === undefined) this.policies.delete(op.name);
      else this.policies.set(op.name, { sel: op.sel, hint: op.hint });
    } else if (op.op === "endpoint") {
      if (op.value === undefined) this.endpoints.delete(op.id);
      else {this.endpoints.set(op.id, {
          value: op.value === "z" ? undefined : op.value,
          profiles: op.profiles,
        });}
    } else if (op.op === "labels") {
      if (op.value === undefined) this.profileLabels.delete(op.name);
      else this.profileLabels.set(op.name, op.value);
    }
  }

  #app(ep: { value: string | undefined; profiles: string[] }): string | undefined {
    if (ep.value !== undefined) return ep.value;
    for (const p of ep.profiles) {
      const v = this.profileLabels.get(p);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  matches(): Set<string> {
    const out = new Set<string>();
    for (const [name, { sel }] of this.policies) {
      let parsed;
      try {
        parsed = parseSelector(sel);
      } catch {
        continue;
      }
      for (const [id, ep] of this.endpoints) {
        const app = this.#app(ep);
        const labels = new Map(app === undefined ? [] : [["app", app]]);
        if (parsed.evaluate(labels)) out.add(`${name} ${id}`);
      }
    }
    return out;
  }

  activePolicies(): Set<string> {
    const matched = new Set([...this.matches()].map((m) => m.split(" ")[0]));
    return new Set([...this.policies].filter(([n, p]) => p.hint || matched.has(n)).map(([n]) => n));
  }

  activeProfiles(): Set<string> {
    return new Set([...this.endpoints.values()].flatMap((e) => e.profiles));
  }
}

function applyToArc(arc: ActiveRulesCalculator, op: Op): void {
  switch (op.op) {
    case "policy": {
      const hints = op.hint ? ["AssumeNeededOnEveryNode"] : [];
      const value = op.sel === undefined ? undefined : policy(op.sel, { performanceHints: hints });
      return arc.updatePolicy(key(op.name), value);
    }
    case "endpoint": {
      const labels = op.value === undefined || op.value === "z" ? {} : { app: op.value };
      const data = op.value === undefined ? undefined : { labels, profileIds: op.profiles };
      return arc.updateLocalEndpoint(op.id, data);
    }
    case "labels":
      return arc.updateProfileLabels(
        op.name,
        op.value === undefined ? undefined : { app: op.value },
      );
    case "rules":
      return arc.updateProfileRules(op.name, op.n === undefined ? undefined : rules(op.n));
  }
}

Deno.test("ActiveRulesCalculator output always agrees with a brute-force model", () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
      const checker = new StateChecker();
      const arc = new ActiveRulesCalculator({ ruleScanner: checker, matchListener: checker });
      const model = new BruteForce();
      for (const op of ops) {
        checker.resendable = op.op === "policy"
          ? `policy ${op.name}`
          : op.op === "rules"
          ? `profile ${op.name}`
          : "";
        applyToArc(arc, op);
        model.apply(op);
        deepEqual(checker.violations, []);
        deepEqual(checker.matches, model.matches());
        deepEqual(checker.activePolicies, model.activePolicies());
        deepEqual(checker.activeProfiles, model.activeProfiles());
      }
    }),
    { numRuns: 300 },
  );
});
