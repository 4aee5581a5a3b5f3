// Warns before the session ends and offers to stay signed in (WCAG 2.2.1 Timing Adjustable).
// <body data-session-seconds> is the time the session has left when the page was made and
// data-session-warning how long before the end to warn; the dialog is in session_warning.html.
(function () {
  "use strict";
  var body = document.body;
  var dialog = document.getElementById("session-warning");
  if (!dialog || !body.dataset.sessionSeconds) { return; }
  var title = document.getElementById("session-warning-title");
  var text = document.getElementById("session-warning-text");
  var status = document.getElementById("session-status");
  var form = dialog.querySelector("form");
  var stay = form.querySelector("button");
  var logIn = dialog.querySelector("[data-log-in]");
  var warnSeconds = Number(body.dataset.sessionWarning) || 0;
  var timers = [];
  var returnFocus = null;
  var busy = false;

  function clock(seconds) {
    var date = new Date(Date.now() + seconds * 1000);
    // A 24-hour clock, as the server writes times ("Saved at 14:05").
    return date.toLocaleTimeString(document.documentElement.lang || [], {
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    });
  }

  function show(focus) {
    if (dialog.hidden) {
      returnFocus = document.activeElement;
      dialog.hidden = false;
    }
    // Whatever gets focus next scrolls clear of the dialog floating over the page's bottom.
    document.documentElement.style.scrollPaddingBottom = (dialog.offsetHeight + 16) + "px";
    focus.focus();
  }

  function hide() {
    dialog.hidden = true;
    document.documentElement.style.scrollPaddingBottom = "";
    if (returnFocus && returnFocus !== document.body && document.contains(returnFocus)) {
      returnFocus.focus();
    }
    returnFocus = null;
  }

  function warn(secondsLeft) {
    text.textContent = dialog.dataset.textWarning.replace("%(time)s", clock(secondsLeft));
    show(stay);
  }

  function ended() {
    timers.forEach(clearTimeout);
    title.textContent = dialog.dataset.titleEnded;
    text.textContent = dialog.dataset.textEnded;
    form.hidden = true;
    logIn.hidden = false;
    show(logIn);
  }

  function schedule(secondsLeft) {
    timers.forEach(clearTimeout);
    var warnIn = Math.max(0, secondsLeft - warnSeconds);
    timers = [
      setTimeout(function () { warn(secondsLeft - warnIn); }, warnIn * 1000),
      setTimeout(ended, secondsLeft * 1000)
    ];
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      redirect: "manual", // signed out: the log-in redirect is not followed
      headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value, "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 403) { return ended(); }
      if (!response.ok) { throw new Error(response.status); }
      return response.json().then(function (data) {
        hide();
        status.textContent = dialog.dataset.textStillSignedIn.replace("%(time)s", clock(data.seconds_left));
        schedule(data.seconds_left);
      });
    }).catch(function () {
      text.textContent = dialog.dataset.textFailed;
      show(stay);
    }).then(function () {
      busy = false;
    });
  });

  schedule(Number(body.dataset.sessionSeconds));
}());
