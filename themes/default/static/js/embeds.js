/* Byline: click-to-load social embeds.
 * Each <figure class="embed" data-embed-src="…"> starts as a card with a link to the post.
 * Nothing is requested from the provider until the reader presses "load"; then the card is
 * swapped for an <iframe> of data-embed-src and focus moves to it. */
(function () {
  'use strict';

  var ALLOW = 'accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; ' +
    'picture-in-picture; web-share; fullscreen';

  // Sensible frame sizes per provider: [width, height]; CSS keeps them responsive.
  // A player whose height depends on what it plays (a track, an album) says so in
  // data-embed-height.
  var SIZES = {
    youtube: [640, 360],
    tiktok: [325, 740],
    instagram: [540, 720],
    x: [550, 620],
    threads: [540, 640],
    bluesky: [550, 600],
    spotify: [640, 352],
    'apple-music': [660, 450]
  };

  function providerOf(figure) {
    var match = /(?:^|\s)embed--([a-z0-9-]+)/.exec(figure.className);
    return match ? match[1] : '';
  }

  function load(figure) {
    var src = figure.getAttribute('data-embed-src') || '';
    if (!/^https:\/\//i.test(src)) return;
    var provider = providerOf(figure);
    var size = (SIZES[provider] || [640, 480]).slice();
    var height = parseInt(figure.getAttribute('data-embed-height') || '', 10);
    if (height > 0) size[1] = height;
    var iframe = document.createElement('iframe');
    iframe.src = src;
    iframe.title = figure.getAttribute('data-embed-title') ||
      ('Embedded post' + (provider ? ' from ' + provider : ''));
    iframe.setAttribute('loading', 'lazy');
    iframe.setAttribute('allow', ALLOW);
    iframe.setAttribute('allowfullscreen', '');
    iframe.setAttribute('referrerpolicy', 'strict-origin-when-cross-origin');
    iframe.width = String(size[0]);
    iframe.height = String(size[1]);
    var card = figure.querySelector('.embed__card');
    if (card) {
      card.replaceWith(iframe);
    } else {
      figure.insertBefore(iframe, figure.firstChild);
    }
    figure.classList.add('embed--loaded');
    iframe.focus();
  }

  function init() {
    var figures = document.querySelectorAll('figure.embed[data-embed-src]');
    Array.prototype.forEach.call(figures, function (figure) {
      var button = figure.querySelector('button.embed__load');
      if (!button) return;
      button.type = 'button';
      button.hidden = false;
      button.addEventListener('click', function () { load(figure); });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
