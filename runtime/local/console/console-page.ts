/** The one HTML page of the console; browser/main.ts renders every view into it (hash routes). */
export function consolePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Snapshot console</title>
<link rel="stylesheet" href="console.css">
</head>
<body>
<header>
  <a class="brand" href="#/jobs">Snapshot console</a>
  <nav><a href="#/jobs" data-nav="jobs">Jobs</a><a href="#/try" data-nav="try">Try a config</a><a href="#/buckets" data-nav="buckets">Buckets</a></nav>
</header>
<main id="app"><p class="muted">Loading…</p></main>
<script src="console.js"></script>
</body>
</html>
`;
}
