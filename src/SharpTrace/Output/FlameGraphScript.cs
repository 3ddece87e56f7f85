namespace SharpTrace.Output;

/// <summary>
/// The script embedded in every flame graph: click a frame to zoom into it (its callers stay below, full width and
/// faded), "Reset Zoom" or Escape to zoom out, "Search" or Ctrl-F to colour the frames whose names match a regular
/// expression and show the share of the counts they cover, and the frame under the pointer in the footer.
/// </summary>
/// <remarks>
/// It reads what it needs from the document: each frame is a <c>g.f</c> with its start, width (in counts) and depth
/// as <c>data-x</c>, <c>data-w</c>, <c>data-d</c>; the root element carries the padding, the total and the size of a
/// character. It must not contain <c>]]&gt;</c>, since it sits in a CDATA section.
/// </remarks>
internal static class FlameGraphScript
{
    public const string Source = """
        (function () {
          'use strict';
          var svg = document.documentElement;
          var pad = Number(svg.getAttribute('data-pad'));
          var total = Number(svg.getAttribute('data-total'));
          var minWidth = Number(svg.getAttribute('data-min'));
          var charWidth = Number(svg.getAttribute('data-char'));
          var usable = Number(svg.getAttribute('width')) - 2 * pad;
          var frames = Array.prototype.slice.call(document.querySelectorAll('g.f'));
          var details = document.getElementById('details');
          var matched = document.getElementById('matched');
          var unzoom = document.getElementById('unzoom');
          var search = document.getElementById('search');
          var searching = null;

          function attr(g, name) { return Number(g.getAttribute('data-' + name)); }
          function tooltip(g) { return g.querySelector('title').textContent; }
          function frameName(g) { var t = tooltip(g); return t.substring(0, t.lastIndexOf(' (')); }

          function place(g, x, width) {
            var rect = g.querySelector('rect');
            var text = g.querySelector('text');
            rect.setAttribute('x', x.toFixed(2));
            rect.setAttribute('width', width.toFixed(2));
            text.setAttribute('x', (x + 3).toFixed(2));
            var fits = Math.floor((width - 6) / charWidth);
            var name = frameName(g);
            text.textContent = fits < 3 ? '' : name.length <= fits ? name : name.substring(0, fits - 2) + '..';
          }

          function zoom(target) {
            var x0 = attr(target, 'x'), w0 = attr(target, 'w'), d0 = attr(target, 'd');
            frames.forEach(function (g) {
              var x = attr(g, 'x'), w = attr(g, 'w'), d = attr(g, 'd');
              g.classList.remove('above');
              if (d < d0 && x <= x0 && x + w >= x0 + w0) {
                g.classList.add('above');
                g.style.display = '';
                place(g, pad, usable);
              } else if (d >= d0 && x >= x0 && x + w <= x0 + w0 && w * usable / w0 >= minWidth) {
                g.style.display = '';
                place(g, pad + (x - x0) * usable / w0, w * usable / w0);
              } else {
                g.style.display = 'none';
              }
            });
            unzoom.style.visibility = d0 > 0 ? 'visible' : 'hidden';
          }

          function resetZoom() { if (frames.length > 0) zoom(frames[0]); }

          function clearSearch() {
            frames.forEach(function (g) {
              var rect = g.querySelector('rect');
              if (rect.hasAttribute('data-fill')) {
                rect.setAttribute('fill', rect.getAttribute('data-fill'));
                rect.removeAttribute('data-fill');
              }
            });
            matched.textContent = '';
            search.textContent = 'Search';
            searching = null;
          }

          function find(pattern) {
            var expression;
            try { expression = new RegExp(pattern); } catch (e) { matched.textContent = 'Bad regular expression: ' + e.message; return; }
            clearSearch();
            var spans = [];
            frames.forEach(function (g) {
              if (!expression.test(frameName(g))) return;
              var rect = g.querySelector('rect');
              rect.setAttribute('data-fill', rect.getAttribute('fill'));
              rect.setAttribute('fill', 'rgb(200,60,230)');
              spans.push([attr(g, 'x'), attr(g, 'x') + attr(g, 'w')]);
            });
            // A matching frame above a matching frame covers counts already counted: add up the union of the spans.
            spans.sort(function (a, b) { return a[0] - b[0]; });
            var covered = 0, end = -1;
            spans.forEach(function (s) {
              if (s[1] <= end) return;
              covered += s[1] - Math.max(s[0], end);
              end = s[1];
            });
            searching = pattern;
            search.textContent = 'Clear search';
            matched.textContent = 'Matched: ' + (total > 0 ? (100 * covered / total).toFixed(1) : '0') + '% (' + pattern + ')';
          }

          function askAndFind() {
            var pattern = window.prompt('Search frames (regular expression)', searching || '');
            if (pattern) find(pattern);
          }

          svg.addEventListener('click', function (e) {
            var g = e.target.closest ? e.target.closest('g.f') : null;
            if (g) { zoom(g); return; }
            if (e.target === unzoom) resetZoom();
            if (e.target === search) { if (searching !== null) clearSearch(); else askAndFind(); }
          });
          svg.addEventListener('mouseover', function (e) {
            var g = e.target.closest ? e.target.closest('g.f') : null;
            details.textContent = g ? tooltip(g) : '';
          });
          window.addEventListener('keydown', function (e) {
            if ((e.ctrlKey || e.metaKey) && e.key === 'f') { e.preventDefault(); askAndFind(); }
            else if (e.key === 'Escape') { resetZoom(); clearSearch(); }
          });
        })();

        """;
}
