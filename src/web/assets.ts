/** The page's only script: copy buttons (shown when JavaScript runs; the text stays selectable without it). */
export const COPY_JS = `document.querySelectorAll('button[data-copy]').forEach(function (button) {
  button.hidden = false
  button.addEventListener('click', function () {
    var text = document.getElementById(button.dataset.copy).textContent
    navigator.clipboard.writeText(text).then(function () { button.textContent = 'Copied' })
  })
})
`

/** Plain, readable, high-contrast styles. */
export const WEB_CSS = `body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #111; background: #fff; }
header { display: flex; justify-content: space-between; align-items: center; padding: .5rem 1rem;
  background: #14325c; color: #fff; }
header a, header span { color: #fff; }
.brand { font-weight: bold; text-decoration: none; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem; border-bottom: 1px solid #ccc; vertical-align: top; }
form.inline { display: inline-block; margin: 0 .25rem; }
button, .button { font: inherit; padding: .3rem .8rem; border: 1px solid #14325c; border-radius: 4px;
  background: #14325c; color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
pre { background: #f3f3f3; padding: .75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
dt { font-weight: bold; }
`
