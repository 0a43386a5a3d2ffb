/**
 * The README's book.yaml table, generated from the schema (the single source of truth).
 * `npx tsx pipeline/config/docs.ts` prints it; a test keeps the README in step.
 */
import { BookConfigSchema } from './schema.ts';

type SchemaNode = { type?: string; description?: string; default?: unknown; properties?: Record<string, SchemaNode>; anyOf?: SchemaNode[]; const?: unknown; items?: SchemaNode; required?: string[] };

function typeOf(node: SchemaNode): string {
  if (node.anyOf) return node.anyOf.map((n) => JSON.stringify(n.const)).join(' \\| ');
  if (node.type === 'array') return `${typeOf(node.items ?? {})}[]`;
  return node.type ?? '';
}

export function configTable(): string {
  const rows: string[] = ['| 设置项 key | 类型 type | 默认 default | 说明 |', '|---|---|---|---|'];
  const walk = (node: SchemaNode, prefix: string) => {
    const required = new Set(node.required ?? []);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const name = prefix + key;
      if (child.properties) {
        rows.push(`| \`${name}\` | object | | ${child.description ?? ''} |`);
        walk(child, `${name}.`);
        continue;
      }
      const def = child.default !== undefined ? `\`${JSON.stringify(child.default)}\`` : required.has(key) ? '（必填）' : '';
      rows.push(`| \`${name}\` | ${typeOf(child)} | ${def} | ${child.description ?? ''} |`);
    }
  };
  walk(BookConfigSchema as unknown as SchemaNode, '');
  return rows.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(configTable() + '\n');
