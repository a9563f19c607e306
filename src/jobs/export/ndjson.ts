import { selectExportFields, type ExportField } from './export-fields.ts';

/**
 * One line of a JSON export (Auth0's JSON export is NDJSON: one user per line). With `fields`,
 * only those attributes under their `export_as` names; without, the whole profile.
 */
export function formatNdjsonUser(user: object, fields?: readonly ExportField[]): string {
  return JSON.stringify(fields && fields.length > 0 ? selectExportFields(user, fields) : user) + '\n';
}
