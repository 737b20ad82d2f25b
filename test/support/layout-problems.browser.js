/* global document, window, getComputedStyle */
// Runs in the page (Chromium), not in Node: what is wrong with the console page's layout, as sentences; none when it
// fits. Read by test/adapters/console/console-layout.browser.test.ts and evaluated as an expression.
(() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) problems.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth} px)`);
  const label = (e) => `"${(e.textContent ?? '').trim().slice(0, 30)}" (${e.tagName.toLowerCase()})`;
  // Reachable: scrolled to vertically only, it lies wholly inside the viewport and is what a tap on its centre hits.
  for (const control of Array.from(document.querySelectorAll('header a, header button'))) {
    const top = control.getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, Math.max(0, top - 40));
    const r = control.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) {
      problems.push(`${label(control)} in the top bar has no size`);
      continue;
    }
    if (r.left < 0 || r.right > window.innerWidth || r.top < 0 || r.bottom > window.innerHeight) {
      problems.push(`${label(control)} in the top bar is outside the viewport at x ${Math.round(r.left)}–${Math.round(r.right)}`);
      continue;
    }
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!hit || !(hit === control || control.contains(hit))) {
      problems.push(`${label(control)} in the top bar is covered by ${hit ? label(hit) : 'nothing'}`);
    }
  }
  window.scrollTo(0, 0);
  // A form control outside a box that scrolls sideways (a table's) must be within the screen's width.
  const inScroller = (e) => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') return true;
    }
    return false;
  };
  for (const control of Array.from(document.querySelectorAll('main input:not([type=hidden]), main select, main textarea, main button'))) {
    if (inScroller(control)) continue;
    const r = control.getBoundingClientRect();
    if (r.left < 0 || r.right > root.clientWidth) {
      problems.push(
        `form control ${control.getAttribute('name') ?? label(control)} sticks out (x ${Math.round(r.left)}–${Math.round(r.right)})`,
      );
    }
  }
  return problems;
})();
