/* Byline: gallery slideshows.
 * Without this script a gallery is a row of slides that swipes and scrolls sideways (CSS
 * scroll snap), its track focusable so arrow keys move it too. The script marks it
 * .gallery--ready, which shows the previous/next buttons and the position ("3 / 12") in the
 * room the hint for readers without it held; screen readers hear the position as it changes
 * ("Photo 3 of 12", an aria-live region), whether the reader pressed a button or swiped. */
(function () {
  'use strict';

  var reduceMotion = window.matchMedia &&
    window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  function setup(gallery) {
    var track = gallery.querySelector('.gallery__track');
    if (!track) return;
    var slides = track.children;
    var prev = gallery.querySelector('.gallery__prev');
    var next = gallery.querySelector('.gallery__next');
    var position = gallery.querySelector('.gallery__position');
    var shown = position && position.querySelector('[aria-hidden]');
    var spoken = position && position.querySelector('.visually-hidden');
    if (slides.length < 2 || !prev || !next || !shown || !spoken) return;
    var current = -1;
    var settle = 0;
    // The slide a button press is scrolling to. Until the track comes to rest there, a pause
    // in the scroll events (a busy phone draws few frames) is not where the reader stopped:
    // reading the position then would undo the press, and the next press would be lost.
    var target = -1;

    function show(index) {
      if (index === current) return;
      current = index;
      shown.textContent = (index + 1) + ' / ' + slides.length;
      spoken.textContent = 'Photo ' + (index + 1) + ' of ' + slides.length;
      prev.setAttribute('aria-disabled', String(index === 0));
      next.setAttribute('aria-disabled', String(index === slides.length - 1));
    }

    // The slide in view: scrollLeft is negative in right-to-left pages.
    function inView() {
      var width = track.clientWidth || 1;
      var index = Math.round(Math.abs(track.scrollLeft) / width);
      return Math.max(0, Math.min(slides.length - 1, index));
    }

    function go(index) {
      if (index < 0 || index >= slides.length) return;
      target = index;
      show(index);
      var rtl = window.getComputedStyle(track).direction === 'rtl';
      var left = index * track.clientWidth;
      track.scrollTo({ left: rtl ? -left : left, behavior: reduceMotion ? 'auto' : 'smooth' });
    }

    prev.addEventListener('click', function () { go(current - 1); });
    next.addEventListener('click', function () { go(current + 1); });
    // Read the position once scrolling stops, so a smooth scroll or a swipe past several
    // slides is announced once, where it ends.
    function settled() {
      var index = inView();
      if (target !== -1 && index !== target) return;  // still on its way
      target = -1;
      show(index);
    }
    track.addEventListener('scroll', function () {
      window.clearTimeout(settle);
      settle = window.setTimeout(settled, 150);
    }, { passive: true });
    // A reader who swipes, scrolls or uses the arrow keys takes over from a pressed button.
    ['pointerdown', 'wheel', 'touchstart', 'keydown'].forEach(function (type) {
      track.addEventListener(type, function () { target = -1; }, { passive: true });
    });

    show(inView());
    gallery.classList.add('gallery--ready');
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('.gallery'), setup);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
