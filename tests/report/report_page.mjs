// Reads the figures back out of a `sparkify report` page: the headline values (elements with an
// id) and every numbers table (rows of cell texts), without any DOM library.
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

export function textOf(html) {
  return html.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ENTITIES[e]).trim();
}

/** The text of the element with this id, or undefined. */
export function figure(html, id) {
  const m = html.match(new RegExp(`<(\\w+)[^>]* id="${id}"[^>]*>([\\s\\S]*?)</\\1>`));
  return m ? textOf(m[2]) : undefined;
}

/** The body rows of the table with this id, as arrays of cell texts; undefined when absent. */
export function tableRows(html, id) {
  const m = html.match(new RegExp(`<table id="${id}"[^>]*>([\\s\\S]*?)</table>`));
  if (!m) return undefined;
  const body = m[1].split('<tbody>')[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...r[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => textOf(c[1])));
}

/** 1234567 → "1,234,567", as the page prints counts. */
export function thousands(n) {
  return BigInt(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Everything on the page that could load something from elsewhere: scripts, stylesheets,
 * images, frames, fonts, url(), @import, and any http(s) address other than the SVG namespace.
 */
export function externalReferences(html) {
  const found = [];
  const patterns = [/<script/gi, /<link/gi, /<img/gi, /<iframe/gi, /<object/gi, /<embed/gi,
    /<source/gi, /\bsrc\s*=/gi, /\bhref\s*=/gi, /url\s*\(/gi, /@import/gi, /@font-face/gi];
  for (const p of patterns) for (const m of html.matchAll(p)) found.push(m[0]);
  for (const m of html.matchAll(/(https?:)?\/\/[\w.-]+[^\s"'<>)]*/gi)) {
    if (m[0] !== 'http://www.w3.org/2000/svg') found.push(m[0]);
  }
  return found;
}
