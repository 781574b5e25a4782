import sharp from 'sharp';
import { SYNTHETIC_DOMAINS, syntheticExample } from '../synthetic';

/** Test-only: writes a grid PNG (rows = domains, columns = examples), upscaled, for eyeballing. */
export async function writePreview(file: string, count = 10, side = 32, scale = 4): Promise<void> {
  const rows = SYNTHETIC_DOMAINS.length;
  const W = count * side;
  const H = rows * side;
  const buf = Buffer.alloc(W * H * 3);
  SYNTHETIC_DOMAINS.forEach((domain, row) => {
    for (let i = 0; i < count; i++) {
      const { pixels } = syntheticExample(domain, 'train', i, { side });
      for (let r = 0; r < side; r++)
        for (let c = 0; c < side; c++)
          for (let k = 0; k < 3; k++)
            buf[((row * side + r) * W + i * side + c) * 3 + k] = Math.round(
              pixels[(r * side + c) * 3 + k]! * 255,
            );
    }
  });
  await sharp(buf, { raw: { width: W, height: H, channels: 3 } })
    .resize(W * scale, H * scale, { kernel: 'nearest' })
    .png()
    .toFile(file);
}
