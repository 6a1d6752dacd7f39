/* The search page: runs the query in the browser against Pagefind's static index, as the
   reader types or from ?q=.  `byline build` writes the index in shards (Pagefind bundles under
   /pagefind/<n>/, listed in /pagefind/shards.json): the first one's script merges the rest. */
(function () {
  "use strict";
  var root = document.querySelector("[data-search-index]");
  if (!root) return;
  var form = root.querySelector("form");
  var input = root.querySelector("input[type=search]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var engine = null;
  var timer = 0;
  var latest = 0;
  var SHOWN = 20; // results fetched and listed at a time; "Show more" lists the next ones
  var more = element("button", "button search__more");
  more.type = "button";
  more.hidden = true;
  list.insertAdjacentElement("afterend", more);
  var pending = []; // the results of the latest search not listed yet

  var NONE = { search: function () { return Promise.resolve({ results: [] }); } };

  function load() {
    if (!engine) {
      var baseUrl = root.getAttribute("data-base");
      engine = fetch(root.getAttribute("data-search-index")).then(function (response) {
        if (!response.ok) throw new Error("no search index");
        return response.json();
      }).then(function (manifest) {
        var bundles = manifest.bundles || [];
        if (!bundles.length) return NONE; // a site with nothing published yet
        return import(bundles[0] + "pagefind.js").then(function (pagefind) {
          return Promise.resolve(pagefind.options({ basePath: bundles[0], baseUrl: baseUrl }))
            .then(function () {
              return Promise.all(bundles.slice(1).map(function (bundle) {
                return pagefind.mergeIndex(bundle, { baseUrl: baseUrl });
              }));
            }).then(function () { return pagefind; });
        });
      });
      engine.catch(function () { engine = null; }); // try again on the next query
    }
    return engine;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function show(found, term, total) {
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
    var listed = list.children.length;
    status.textContent = total === 0 ? "No stories match \u201c" + term + "\u201d."
      : (total === 1 ? "1 story matches" : total + " stories match") + " \u201c" + term + "\u201d"
        + (listed < total ? "; the first " + listed + " are listed." : ".");
    more.hidden = pending.length === 0;
    more.textContent = "Show " + Math.min(SHOWN, pending.length) + " more";
  }

  function next(asked, term, total) {
    var batch = pending.splice(0, SHOWN);
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (found) {
      if (asked === latest) show(found, term, total);
      return found.length;
    });
  }

  more.addEventListener("click", function () {
    var first = list.children.length;
    next(latest, input.value.trim(), first + pending.length).then(function () {
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) link.focus(); // on to the first story just listed, not back to the top
    });
  });

  function run(term) {
    var asked = ++latest;
    term = term.trim();
    var url = new URL(window.location.href);
    if (term) url.searchParams.set("q", term); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    if (!term) {
      list.textContent = "";
      status.textContent = "";
      pending = [];
      more.hidden = true;
      return;
    }
    load().then(function (pagefind) {
      return pagefind.search(term);
    }).then(function (search) {
      if (asked !== latest) return;
      list.textContent = "";
      pending = search.results.slice();
      return next(asked, term, search.results.length);
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
