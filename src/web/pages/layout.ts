import { html, type Html } from '../html.js'

export interface LayoutOptions {
  title: string
  /** the person's uid when signed in (header shows it and a sign-out form) */
  uid?: string
  csrfToken?: string
}

/** The frame of every page: readable without JavaScript; only the copy button needs /assets/copy.js. */
export function layout ({ title, uid, csrfToken }: LayoutOptions, body: Html): string {
  const signOut = uid === undefined || csrfToken === undefined
    ? ''
    : html`<form method="post" action="/auth/logout" class="inline">
        <input type="hidden" name="_csrf" value="${csrfToken}">
        <span data-testid="whoami">${uid}</span>
        <button type="submit" data-testid="sign-out">Sign out</button>
      </form>`
  return '<!doctype html>\n' + html`<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} · ro2key</title>
  <link rel="stylesheet" href="/assets/web.css">
  <script src="/assets/copy.js" defer></script>
</head>
<body>
  <header><a href="/" class="brand">ro2key</a>${signOut}</header>
  <main>
    <h1>${title}</h1>
    ${body}
  </main>
</body>
</html>
`.value
}
