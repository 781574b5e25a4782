/** "INIT=PRETRAINED BLOCK_SIZE=4" → "P-T, block 4": group keys as the paper writes them. */
export function groupLabel(key: string): string {
  return key
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => {
      const [field = '', value = ''] = part.split('=');
      if (field === 'INIT') return value === 'PRETRAINED' ? 'P-T' : value === 'RANDOM' ? 'RI-T' : value;
      if (field === 'BLOCK_SIZE')
        return `block ${value === '0' ? '*' : value === 'null' || value === '' ? 'none' : value}`;
      return `${field.toLowerCase().replace('_', ' ')} ${value}`;
    })
    .join(', ');
}
