#!/usr/bin/env bash
# Copy GOV.UK Frontend from node_modules into the git-ignored static/vendor folder,
# compiling its Sass with Arial. Runs on every `make demo` and `make test`; quick
# when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/govuk-frontend/dist/govuk
out=static/vendor/govuk
stamp=$out/.built-from
want="$(cat node_modules/govuk-frontend/package.json | grep '"version"') $(sha1sum static/src/govuk.scss | cut -c1-40)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
rm -rf "$out"
mkdir -p "$out"
cp -r "$src/assets" "$out/assets"
rm -rf "$out/assets/fonts"
cp "$src/govuk-frontend.min.js" "$src/govuk-frontend.min.js.map" "$out/"
node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules \
    static/src/govuk.scss "$out/govuk-frontend.min.css"
mkdir -p static/vendor/axe-core
cp node_modules/axe-core/axe.min.js static/vendor/axe-core/
echo "$want" > "$stamp"
echo "GOV.UK Frontend built into $out"
