import { deepEqual } from "node:assert/strict";
import {
  describeLocation,
  formatSource,
  readDocuments,
} from "../../src/datastore/document_reader.ts";

const P = "/etc/felix/cluster.yaml";

Deno.test("readDocuments reports an empty, blank, comment-only or marker-only file as incomplete", () => {
  for (const text of ["", "  \n\n", "# header\n# more\n", "---\n", "---\n# c\n---\n"]) {
    deepEqual(readDocuments(P, text), {
      ok: false,
      reason: `"${P}" has no documents (it is empty or only comments)`,
    }, JSON.stringify(text));
  }
});

Deno.test("readDocuments reads [] and an empty List as a complete file with no documents", () => {
  for (const text of ["[]", "[]\n", "kind: List\nitems: []\n", "[]\n---\n"]) {
    deepEqual(readDocuments(P, text), { ok: true, documents: [], problems: [] }, text);
  }
});

Deno.test("readDocuments reports a List without items as incomplete", () => {
  for (const text of ["a: 1\n---\nkind: List\n", "kind: PodList\nitems:\n---\na: 1\n"]) {
    const doc = text.startsWith("a") ? 1 : 0;
    deepEqual(readDocuments(P, text), {
      ok: false,
      reason: `"${P}" document ${doc} (0-based) is a list without items (write "items: []" for ` +
        `an empty list)`,
    }, text);
  }
});

Deno.test("readDocuments reports a syntax error in the last document as incomplete", () => {
  deepEqual(readDocuments(P, '{"kind": "Tier", "metadata": {"name": "t"'), {
    ok: false,
    reason: `Cannot parse "${P}" document 0 (0-based): Flow map in block collection must be ` +
      `sufficiently indented and end with a } at line 1, column 42`,
  });
  deepEqual(readDocuments(P, "a: 1\n---\nb: [1\n---\n"), {
    ok: false,
    reason: `Cannot parse "${P}" document 1 (0-based): Flow sequence in block collection must ` +
      `be sufficiently indented and end with a ] at line 4, column 1`,
  });
});

Deno.test("readDocuments skips an earlier document with a syntax error and names its line", () => {
  deepEqual(readDocuments(P, "a: 1\n---\nb: [1\nc: 2\n---\nd: 4\n"), {
    ok: true,
    documents: [
      { location: { path: P, document: 0, line: 1 }, value: { a: 1 } },
      { location: { path: P, document: 2, line: 6 }, value: { d: 4 } },
    ],
    problems: [{
      source: `${P} document 1`,
      message: `Cannot parse "${P}" document 1 (0-based): Flow sequence in block collection ` +
        `must be sufficiently indented and end with a ] at line 4, column 1; the document is ` +
        `skipped`,
    }],
  });
});

Deno.test("readDocuments reports duplicate mapping keys as a syntax error", () => {
  const read = readDocuments(P, "a: 1\na: 2\n---\nb: 1\n");
  deepEqual(read.ok && read.problems.map((p) => p.message), [
    `Cannot parse "${P}" document 0 (0-based): Map keys must be unique at line 2, column 1; ` +
    `the document is skipped`,
  ]);
});

Deno.test("readDocuments expands arrays and lists and gives each item its line", () => {
  const text = "# c\n- kind: A\n  n: 1\n- kind: B\n---\nkind: XList\nitems:\n- kind: C\n";
  deepEqual(readDocuments(P, text), {
    ok: true,
    documents: [
      { location: { path: P, document: 0, item: 0, line: 2 }, value: { kind: "A", n: 1 } },
      { location: { path: P, document: 0, item: 1, line: 4 }, value: { kind: "B" } },
      { location: { path: P, document: 1, item: 0, line: 8 }, value: { kind: "C" } },
    ],
    problems: [],
  });
});

Deno.test("readDocuments passes scalars and bad list items through for the converter to reject", () => {
  deepEqual(readDocuments(P, "just text\n---\nkind: List\nitems: 5\n"), {
    ok: true,
    documents: [
      { location: { path: P, document: 0, line: 1 }, value: "just text" },
      { location: { path: P, document: 1, line: 3 }, value: { kind: "List", items: 5 } },
    ],
    problems: [],
  });
});

Deno.test("readDocuments keeps YAML 1.2 core types: yes stays a string, dates stay strings", () => {
  const read = readDocuments(P, "a: yes\nb: 2024-01-02T03:04:05Z\nc: 0x1F\n");
  deepEqual(read.ok && read.documents[0]?.value, { a: "yes", b: "2024-01-02T03:04:05Z", c: 31 });
});

Deno.test("formatSource and describeLocation name path, 0-based document, item and line", () => {
  const loc = { path: P, document: 2, item: 3, line: 40 };
  deepEqual(formatSource(loc), `${P} document 2 item 3`);
  deepEqual(describeLocation(loc), `"${P}" document 2 (0-based), item 3, line 40`);
  deepEqual(formatSource({ path: P, document: 0, line: 1 }), `${P} document 0`);
  deepEqual(
    describeLocation({ path: P, document: 0, line: 1 }),
    `"${P}" document 0 (0-based), line 1`,
  );
});
