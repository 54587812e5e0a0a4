import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { ConfigFileError, parseIni } from "../../src/config/ini.ts";

Deno.test("parseIni merges all sections and ignores their names", () => {
  const r = parseIni("[global]\nLogSeverityScreen = INFO\n[other]\nBPFEnabled=true\n", "f.cfg");
  deepEqual(r.values, { LogSeverityScreen: "INFO", BPFEnabled: "true" });
  deepEqual(r.issues, []);
});

Deno.test("parseIni skips # and ; comments, blank lines, and strips inline comments and quotes", () => {
  const text = [
    "# a comment",
    "; another",
    "",
    "   ",
    "MetadataAddr = 10.0.0.1   # where nova is",
    'LogPrefix = "calico drop"',
    "EtcdAddr: 127.0.0.1:2379",
    "InterfacePrefix=cali;tap",
  ].join("\r\n");
  deepEqual(parseIni(text, "f.cfg").values, {
    MetadataAddr: "10.0.0.1",
    LogPrefix: "calico drop",
    EtcdAddr: "127.0.0.1:2379",
    InterfacePrefix: "cali;tap",
  });
});

Deno.test("parseIni lets a later duplicate win, in any case, with a warning", () => {
  const r = parseIni("[a]\nLogFilePath = /a\n[b]\nlogfilepath = /b\n", "/etc/calico/felix.cfg");
  deepEqual(r.values, { logfilepath: "/b" });
  deepEqual(r.issues, [{
    param: "logfilepath",
    source: "config-file",
    raw: "/b",
    reason: "Duplicate key at /etc/calico/felix.cfg:4; the later value wins",
    fatal: false,
  }]);
});

Deno.test("parseIni rejects a malformed line naming file and line", () => {
  throws(
    () => parseIni("[global]\nLogSeverityScreen INFO\n", "/etc/calico/felix.cfg"),
    {
      name: "ConfigFileError",
      message: 'Cannot parse config file /etc/calico/felix.cfg:2: expected "Name = value", ' +
        '"[section]" or a comment, got "LogSeverityScreen INFO"',
    },
  );
  throws(() => parseIni("ok = 1\n[global\n", "x.cfg"), {
    message: 'Cannot parse config file x.cfg:2: expected "]" to close the section header "[global"',
  });
  throws(() => parseIni("= 1\n", "x.cfg"), {
    message: 'Cannot parse config file x.cfg:1: expected a parameter name before "=", got ""',
  });
  try {
    parseIni("a\n", "y.cfg");
    ok(false, "expected a throw");
  } catch (e) {
    ok(e instanceof ConfigFileError);
    equal(e.file, "y.cfg");
    equal(e.line, 1);
  }
});
