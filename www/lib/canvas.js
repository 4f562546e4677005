// Canvases drawn at the device's pixel ratio, in CSS pixels.

/**
 * Gives `canvas` a backing store of `width` × `height` CSS pixels at the device pixel ratio
 * (only when that size changes, which clears it). Returns the ratio.
 * @param {HTMLCanvasElement} canvas
 * @param {number} width
 * @param {number} height
 */
export function sizeBackingStore(canvas, width, height) {
  const dpr = window.devicePixelRatio || 1;
  const pw = Math.round(width * dpr);
  const ph = Math.round(height * dpr);
  if (canvas.width !== pw || canvas.height !== ph) {
    canvas.width = pw;
    canvas.height = ph;
  }
  return dpr;
}

/**
 * Sizes `canvas` as sizeBackingStore does, then clears `ctx` and scales it to draw in CSS pixels.
 * Returns the ratio.
 * @param {HTMLCanvasElement} canvas
 * @param {CanvasRenderingContext2D} ctx
 * @param {number} width
 * @param {number} height
 */
export function fitCanvas(canvas, ctx, width, height) {
  const dpr = sizeBackingStore(canvas, width, height);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return dpr;
}
