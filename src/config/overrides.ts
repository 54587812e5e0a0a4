/**
 * Raw values that command-line flags impose. The daemon applies them with
 * `Config.updateFrom("internal-override", ...)`, so they beat the environment and the file.
 *
 * @module
 */

/** `--datastore-file PATH`: DatastoreType=file and DatastoreFile=PATH; nothing when absent. */
export function datastoreFileOverrides(
  path: string | undefined,
): Readonly<Record<string, string>> {
  return path === undefined ? {} : { DatastoreType: "file", DatastoreFile: path };
}
