/** Distinct line colours (Tableau 10), P-T blue and RI-T orange-red as the paper's figures use. */
export const PALETTE = [
  '#1f77b4',
  '#e4572e',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#ff7f0e',
];
export const PT = '#1f77b4';
export const RIT = '#e4572e';
export const color = (i: number): string => PALETTE[i % PALETTE.length]!;
