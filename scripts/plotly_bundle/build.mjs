// Builds assets/00-plotly-page-<version>.min.js, the page's plotly.js: entry.js bundled with
// plotly.js's own esbuild settings (node_modules/plotly.js/esbuild-config.js, minified as its
// dist bundles are), as one script that defines window.Plotly.
//
//     cd scripts/plotly_bundle && npm ci && node build.mjs
//
// Differences from plotly.js's official partial bundles (npm plotly.js-*-dist-min): only the
// trace types of entry.js, and no UMD wrapper around the code. The wrapper passes the whole
// library as an arrow function, which V8 only pre-parses while the script streams in, then
// parses and compiles on the main thread when it is called; the IIFE is compiled as it
// streams. Time to load and evaluate the script in headless Chromium (file:// page, medians
// of 8, 2-core bench machine): this bundle 147 ms; the same build in the official wrapper
// (and with bar) 208 ms; the cartesian bundle it replaced 450 ms.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');

const here = dirname(fileURLToPath(import.meta.url));

// esbuild-plugin-inline-css (plotly.js's choice) with one change: the injected <style>'s id is
// the sha256 of the stylesheet's path relative to this directory, not its absolute path, so
// that a build in any checkout gives the same bytes.
const inlineCSS = {
    name: 'inline-css',
    setup(build) {
        build.onLoad({ filter: /\.(css)$/ }, (args) => {
            const source = resolve(args.resolveDir, args.path);
            const id = createHash('sha256').update(relative(here, source)).digest('hex');
            const css = readFileSync(source, 'utf8');
            return {
                contents: `(function(){
        if (!document.getElementById('${id}')) {
            var e = document.createElement('style');
            e.id = '${id}';
            e.textContent = \`${css}\`;
            document.head.appendChild(e);
        }
    })();`,
                loader: 'js',
            };
        });
    },
};
const assets = join(here, '..', '..', 'assets');
const version = JSON.parse(
    readFileSync(join(here, 'node_modules', 'plotly.js', 'package.json'), 'utf8')
).version;
const name = `00-plotly-page-${version}.min.js`;

const banner = `/**
* plotly.js (scatter, heatmap - minified) v${version}
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
* Built from npm plotly.js@${version} by scripts/plotly_bundle (npm ci && node build.mjs)
*/`;

await esbuild.build({
    entryPoints: [join(here, 'entry.js')],
    outfile: join(assets, name),
    // as node_modules/plotly.js/esbuild-config.js, minified, with inlineCSS
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    plugins: [inlineCSS, glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    banner: { js: banner },
    logLevel: 'info',
});

// one bundle in assets/: an upgrade replaces the old version's file
for (const file of readdirSync(assets)) {
    if (/^00-plotly-.*\.js$/.test(file) && file !== name) {
        unlinkSync(join(assets, file));
        console.log(`removed assets/${file}`);
    }
}
