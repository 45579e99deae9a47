// Regenerates the service tiles in this folder from the simple-icons npm
// package (CC0; https://simpleicons.org): a rounded square in the brand's
// colour with the brand's mark in white (or black on light colours).
//
//   npm pack simple-icons@16.37.0 svgpath@2.6.0 && tar xzf simple-icons-16.37.0.tgz &&
//     mkdir svgpath && tar xzf svgpath-2.6.0.tgz -C svgpath
//   node assets/services/generate.mjs package svgpath/package
//
// Paths are rewritten by svgpath (MIT) with their arcs as cubic curves:
// Fyne's SVG renderer dropped marks whose arcs had their flags run
// together ("a19.79 19.79 0 00-4.88", as simple-icons writes them), and
// drew Discord's wrong once they were apart.
//
// Brand marks are trademarks of their owners; Twofold shows them only to
// label the user's own accounts, as the simple-icons disclaimer allows.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const pkg = process.argv[2] ?? "package";
const svgpath = createRequire(import.meta.url)(path.resolve(process.argv[3] ?? "svgpath/package"));
const out = path.dirname(new URL(import.meta.url).pathname);
const data = JSON.parse(fs.readFileSync(path.join(pkg, "data/simple-icons.json")));
const icons = Array.isArray(data) ? data : data.icons;
const slugs = `apple atlassian battledotnet binance bitbucket bitwarden cloudflare coinbase
digitalocean discord docker dropbox ebay epicgames facebook figma firefox github gitlab
gmail godaddy google googlecloud hetzner hubspot instagram jetbrains mastodon mozilla
namecheap netlify nextcloud notion npm okta ovh paypal playstation proton pypi reddit
rubygems sentry shopify signal steam stripe tailscale trello twitch ubisoft vercel
wikipedia wordpress x zendesk zoho`.split(/\s+/);

const slugOf = (t) => t.toLowerCase().replace(/\+/g, "plus").replace(/\./g, "dot").normalize("NFD").replace(/[^a-z0-9]/g, "");
const luminance = (hex) => {
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const names = {};
for (const icon of icons) {
  const slug = icon.slug ?? slugOf(icon.title);
  if (!slugs.includes(slug)) continue;
  const svg = fs.readFileSync(path.join(pkg, "icons", slug + ".svg"), "utf8");
  const d = svgpath(svg.match(/ d="([^"]+)"/)[1]).unarc().toString();
  const ink = luminance(icon.hex) > 0.45 ? "#000000" : "#ffffff";
  fs.writeFileSync(path.join(out, slug + ".svg"),
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><title>${icon.title}</title>` +
    `<rect x="0.5" y="0.5" width="31" height="31" rx="7" fill="#${icon.hex}" stroke="#808080" stroke-opacity="0.4"/>` +
    // A transform on the path itself: Fyne's SVG renderer ignores one on <g>.
    `<path transform="matrix(0.8333 0 0 0.8333 6 6)" fill="${ink}" d="${d}"/></svg>\n`);
  names[slug] = icon.title;
}
fs.writeFileSync(path.join(out, "services.json"), JSON.stringify(names, null, 1) + "\n");
console.log(Object.keys(names).length, "tiles");
