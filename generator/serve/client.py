"""The script every previewed page loads: live reload, stylesheet swaps and the error overlay.

It is kept as a Python string so it ships with the package without package-data rules.  The
server fills nothing in: what the script needs about its page (the site path it was served
for, the build it came from, a signature of the page without its stylesheet links) is in the
``data-`` attributes of its own ``<script>`` tag.
"""

from __future__ import annotations

RELOAD_JS = r"""// Byline live preview: reloads this page when a save changes it.
(() => {
  "use strict";
  const me = document.currentScript;
  const page = (me && me.dataset.page) || "";
  const sig = (me && me.dataset.sig) || "";
  let version = Number((me && me.dataset.version) || 0);
  const here = location.pathname.replace(/index\.html$/, "");
  const OVERLAY_ID = "byline-error-overlay";

  const showsThisPage = (paths) => paths.includes(page) || paths.includes(here);

  function hideOverlay() {
    const old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  function showOverlay(problems, built) {
    hideOverlay();
    const box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.style.cssText = [
      "position:fixed", "inset:0", "z-index:2147483647", "overflow:auto",
      "box-sizing:border-box", "padding:2rem 2.5rem", "background:rgba(24,24,28,.96)",
      "color:#f4f4f5", "font:15px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace",
      "text-align:left",
    ].join(";");
    const title = document.createElement("h2");
    // Nothing has built since the preview started: there is no last version to show.
    title.textContent = built === false ? "Byline could not build the site yet"
      : "Byline could not build your last save";
    title.style.cssText = "margin:0 0 .5rem;font:bold 20px/1.3 system-ui,sans-serif;color:#fca5a5";
    const note = document.createElement("p");
    note.textContent = (built === false
      ? "Nothing has built since the preview started, so there is no page to show yet. "
      : "The preview still shows the last version that built. ") +
      "Fix the problem below and save again: this page will update by itself.";
    note.style.cssText = "margin:0 0 1.25rem;font:15px/1.5 system-ui,sans-serif;color:#d4d4d8";
    const list = document.createElement("ul");
    list.style.cssText = "margin:0;padding:0;list-style:none";
    for (const line of problems) {
      const item = document.createElement("li");
      item.textContent = line;
      item.style.cssText = "margin:0 0 .6rem;padding:.5rem .75rem;white-space:pre-wrap;" +
        "border-left:4px solid #f87171;background:rgba(255,255,255,.06)";
      list.appendChild(item);
    }
    box.append(title, note, list);
    (document.body || document.documentElement).appendChild(box);
  }

  const bare = (href) => (href || "").replace(/[?&]byline=\d+$/, "");

  // A stylesheet changed: if the page is otherwise the same, swap the <link>s in place
  // (no scroll jump, no flash); if anything else changed too, reload.
  async function refreshStyles(build) {
    let doc;
    try {
      const response = await fetch(location.href, { cache: "no-store" });
      doc = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (_) {
      location.reload();
      return;
    }
    const script = doc.querySelector('script[src="/__byline/reload.js"]');
    const fresh = [...doc.querySelectorAll('link[rel~="stylesheet"]')];
    const current = [...document.querySelectorAll('link[rel~="stylesheet"]')];
    if (!script || script.dataset.sig !== sig || fresh.length !== current.length) {
      location.reload();
      return;
    }
    current.forEach((link, i) => {
      let href = fresh[i].getAttribute("href");
      // Same name (an unhashed file): a query makes the browser fetch it again.
      if (bare(href) === bare(link.getAttribute("href"))) {
        href = bare(href) + (href.includes("?") ? "&" : "?") + "byline=" + build;
      }
      const next = link.cloneNode();
      next.setAttribute("href", href);
      next.addEventListener("load", () => link.remove(), { once: true });
      next.addEventListener("error", () => next.remove(), { once: true });
      link.after(next);
    });
  }

  function onReload(data) {
    if (document.getElementById(OVERLAY_ID)) {
      hideOverlay();
      location.reload();
      return;
    }
    const changed = data.changed || [];
    version = data.version;
    if (changed.some((p) => p.endsWith(".js"))) {
      location.reload();
    } else if (changed.some((p) => p.endsWith(".css"))) {
      refreshStyles(data.version);
    } else if (showsThisPage(changed)) {
      location.reload();
    }
  }

  function listen() {
    const events = new EventSource("/__byline/events");
    events.addEventListener("state", (event) => {
      const state = JSON.parse(event.data);
      if (state.problems && state.problems.length) {
        showOverlay(state.problems, state.built);
      } else if (state.version !== version) {
        location.reload();  // built again since this page loaded (or since it was hidden)
      } else {
        hideOverlay();
      }
    });
    events.addEventListener("reload", (event) => onReload(JSON.parse(event.data)));
    // "error" is also what EventSource fires when the connection drops: only ours carry data.
    events.addEventListener("error", (event) => {
      if (typeof event.data === "string") {
        const data = JSON.parse(event.data);
        showOverlay(data.problems || [], data.built);
      }
    });
    return events;
  }

  // Browsers allow about six connections per server: a hidden tab lets go of its stream, so a
  // writer with many preview tabs open never starves the one in front, and catches up when shown.
  let stream = document.hidden ? null : listen();
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && stream) {
      stream.close();
      stream = null;
    } else if (!document.hidden && !stream) {
      stream = listen();
    }
  });
})();
"""
