// The exam page with JavaScript: each answer is saved as it changes, the time left counts
// down from the server's deadline, and the spoken warnings come at 10, 5 and 1 minutes.
// An answer made while the connection is down is kept on this device (localStorage) and
// sent when it returns. Without JavaScript, "Save and next" saves; the server keeps the
// clock either way and refuses what arrives too late.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("exam-answer");
  const status = document.getElementById("exam-saved");
  const timer = document.getElementById("exam-timer");
  const warnings = document.getElementById("exam-warnings");
  if (!form || !status || !timer || !warnings) return;

  const attempt = form.dataset.attempt;
  const pendingKey = `nurture-exam-${attempt}-pending`;
  const pending = () => JSON.parse(localStorage.getItem(pendingKey) || "{}");
  const keep = (all) => localStorage.setItem(pendingKey, JSON.stringify(all));
  const say = (text) => {
    if (status.textContent !== text) status.textContent = text;
  };

  // One save: the form's fields for one question, to that question's answer URL.
  async function send(url, fields) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      answer = { error: "The answer could not be saved." };
    }
    return { ok: response.ok, answer };
  }

  // Everything kept on this device, oldest first; true when all of it has gone.
  let flushing = false;
  async function flush() {
    if (flushing) return false;
    flushing = true;
    try {
      const all = pending();
      for (const [url, fields] of Object.entries(all)) {
        let result;
        try {
          result = await send(url, fields);
        } catch (error) {
          say("Not saved yet: you seem to be offline. Your answers are kept on this device and sent when the connection returns.");
          return false;
        }
        const now = pending();
        if (JSON.stringify(now[url]) === JSON.stringify(fields)) delete now[url];
        keep(now);
        if (!result.ok) {
          say(`Not saved: ${result.answer.error || "the answer could not be saved."}`);
          return false;
        }
      }
      return true;
    } finally {
      flushing = false;
    }
  }

  async function saveThis() {
    const fields = {};
    const chosen = form.querySelector("input[name=choice]:checked");
    const written = form.querySelector("textarea[name=written]");
    if (written) fields.written = written.value;
    else fields.choice = chosen ? chosen.value : "";
    const all = pending();
    all[form.dataset.saveUrl] = fields;
    keep(all);
    say("Saving…");
    if ((await flush()) && typing === null) say("All answers saved");
  }

  // A written answer is saved when typing pauses; until then it is not "saved".
  let typing = null;
  const typed = () => {
    clearTimeout(typing);
    typing = null;
    saveThis();
  };
  form.addEventListener("change", (event) => (event.target.name === "written" ? typed() : saveThis()));
  form.addEventListener("input", (event) => {
    if (event.target.name !== "written") return;
    say("Not saved yet: saving when you pause typing…");
    clearTimeout(typing);
    typing = setTimeout(typed, 1500);
  });
  window.addEventListener("online", async () => {
    if (typing !== null) typed();
    else if (await flush()) say("All answers saved");
  });
  if (Object.keys(pending()).length) flush().then((done) => done && say("All answers saved"));

  // The clock: the server's deadline, corrected for this device's clock.
  const offset = Number(timer.dataset.nowMs) - Date.now();
  const deadline = Number(timer.dataset.deadlineMs);
  const spoken = new Set();
  for (const minutes of [10, 5, 1]) if (deadline - (Date.now() + offset) <= minutes * 60000) spoken.add(minutes);
  function tick() {
    const left = Math.max(0, deadline - (Date.now() + offset));
    const minutes = Math.floor(left / 60000);
    const seconds = Math.floor((left % 60000) / 1000);
    const hours = Math.floor(minutes / 60);
    timer.textContent = left > 0
      ? `Time left: ${hours ? `${hours}:${String(minutes % 60).padStart(2, "0")}` : minutes}:${String(seconds).padStart(2, "0")}`
      : "Time is up";
    for (const at of [10, 5, 1]) {
      if (left <= at * 60000 && !spoken.has(at)) {
        spoken.add(at);
        warnings.textContent = `${at} minute${at === 1 ? "" : "s"} left.`;
      }
    }
    if (left <= 0) {
      warnings.textContent = "Time is up. Your answers are being handed in.";
      form.querySelectorAll("input, textarea, button").forEach((field) => (field.disabled = true));
      return;
    }
    setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  }
  tick();
});
