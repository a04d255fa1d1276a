// Saves the quiz as the student answers, and shows the time left. Without JavaScript the
// "Save my answers" button does the same through a normal form post.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var url = form.dataset.autosaveUrl;
  var timer = null;
  var pending = false;

  function save() {
    timer = null;
    pending = false;
    var data = new FormData(form);
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok) {
          status.textContent = body.message;
        } else if (body.closed) {
          window.location.reload();
        } else {
          status.textContent = body.error || "";
        }
      });
    }).catch(function () {
      // Offline: the answers stay in the page and the next change or the Save button retries.
      pending = true;
      status.textContent = status.dataset.offline || "Connexion perdue : vos dernières réponses seront enregistrées dès son retour.";
    });
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 600);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
  // Lets tests (and assistive scripts) know answers typed from now on are saved.
  form.dataset.autosaveReady = "1";
  window.addEventListener("online", function () { if (pending) { save(); } });

  var clock = document.getElementById("quiz-timer");
  if (clock) {
    var deadline = new Date(clock.dataset.deadline).getTime();
    var remaining = clock.querySelector("[data-role=remaining]");
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var minutes = Math.floor(left / 60), seconds = left % 60;
      remaining.textContent = "(" + minutes + ":" + (seconds < 10 ? "0" : "") + seconds + ")";
      if (left === 0) {
        // The server has already submitted what was saved; show the result.
        save().then(function () { window.location.reload(); });
        return;
      }
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
