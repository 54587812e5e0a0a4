import { deepEqual, equal } from "node:assert/strict";
import {
  configIssue,
  formatIssue,
  isSensitiveName,
  sourcePriority,
} from "../../src/config/sources.ts";

Deno.test("sourcePriority orders default < global < selector < per-host < file < env < override", () => {
  deepEqual(
    ([
      "default",
      "datastore-global",
      "datastore-selector",
      "datastore-per-host",
      "config-file",
      "environment",
      "internal-override",
    ] as const)
      .map(sourcePriority),
    [0, 1, 2, 3, 4, 5, 6],
  );
});

Deno.test("isSensitiveName flags names containing password, key, token or secret", () => {
  for (const n of ["EtcdPassword", "TyphaKeyFile", "api_token", "MY_SECRET"]) {
    equal(isSensitiveName(n), true, n);
  }
  for (const n of ["LogSeverityScreen", "TyphaCAFile"]) equal(isSensitiveName(n), false, n);
});

Deno.test("configIssue redacts sensitive raw values and formatIssue prints one line", () => {
  const secret = configIssue("etcdpassword", "environment", "hunter2", "Unknown parameter");
  equal(secret.raw, "<redacted>");
  equal(
    formatIssue(
      configIssue("LogSeverityScreen", "environment", "loud", "Expected one of ...", true),
    ),
    'Fatal: LogSeverityScreen = "loud" from environment: Expected one of ...',
  );
  equal(formatIssue(secret), 'etcdpassword = "<redacted>" from environment: Unknown parameter');
});
