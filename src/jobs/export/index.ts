export { csvEscape, formatCsvRow } from './csv.ts';
export {
  DEFAULT_EXPORT_FIELDS, MAX_CSV_FIELDS, csvHeader, csvValues, readPath, selectExportFields, validateExportFields,
  type ExportField, type ExportFormat,
} from './export-fields.ts';
export { formatNdjsonUser } from './ndjson.ts';
