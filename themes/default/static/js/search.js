/* The search page: runs the query in the browser against Pagefind's static index
   (/pagefind/, written by `byline build`), as the reader types or from ?q=. */
(function () {
  "use strict";
  var root = document.querySelector("[data-pagefind]");
  if (!root) return;
  var form = root.querySelector("form");
  var input = root.querySelector("input[type=search]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var engine = null;
  var timer = 0;
  var latest = 0;
  var SHOWN = 20;

  function load() {
    if (!engine) {
      engine = import(root.getAttribute("data-pagefind")).then(function (pagefind) {
        return Promise.resolve(pagefind.options({ baseUrl: root.getAttribute("data-base") }))
          .then(function () { return pagefind; });
      });
    }
    return engine;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function show(found, term) {
    list.textContent = "";
    found.forEach(function (result) {
      var item = element("li", "search-result");
      var title = element("h2", "search-result__title");
      var link = element("a", null, (result.meta && result.meta.title) || result.url);
      link.href = result.url;
      title.appendChild(link);
      item.appendChild(title);
      var facts = [result.meta && result.meta.section, result.meta && result.meta.date]
        .filter(Boolean).join(" · ");
      if (facts) item.appendChild(element("p", "search-result__meta", facts));
      var excerpt = element("p", "search-result__excerpt");
      excerpt.innerHTML = result.excerpt; // Pagefind escapes the text and adds only <mark>
      item.appendChild(excerpt);
      list.appendChild(item);
    });
    var count = found.length;
    status.textContent = count === 0 ? "No stories match \u201c" + term + "\u201d."
      : (count === 1 ? "1 story matches" : count + " stories match") + " \u201c" + term + "\u201d.";
  }

  function run(term) {
    var asked = ++latest;
    term = term.trim();
    var url = new URL(window.location.href);
    if (term) url.searchParams.set("q", term); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    if (!term) {
      list.textContent = "";
      status.textContent = "";
      return;
    }
    load().then(function (pagefind) {
      return pagefind.search(term);
    }).then(function (search) {
      return Promise.all(search.results.slice(0, SHOWN).map(function (r) { return r.data(); }));
    }).then(function (found) {
      if (asked === latest) show(found, term);
    }).catch(function () {
      if (asked === latest) status.textContent = "Search is not available on this copy of the site yet.";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    run(input.value);
  });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { run(input.value); }, 150);
  });
  var asked = new URLSearchParams(window.location.search).get("q");
  if (asked) {
    input.value = asked;
    run(asked);
  }
})();
