/** Table column definitions shared by the printers of every kind (meta.k8s.io/v1 TableColumnDefinition). */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** One column definition (format and priority default to upstream's empty and 0). */
export const col = (name: string, type: string, description: string, extra: { format?: string; priority?: number } = {}): TableColumnDefinition => ({
  name,
  type,
  format: extra.format ?? '',
  description,
  priority: extra.priority ?? 0,
});
export const NAME = col('Name', 'string', 'Name of the object, unique within its namespace (or cluster-wide for cluster-scoped kinds).', { format: 'name' });
export const AGE = col('Age', 'string', 'Time since the object was created (metadata.creationTimestamp).');
