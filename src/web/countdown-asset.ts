/**
 * The grants section's countdowns: each <time data-countdown datetime=ISO> ticks every second.
 * Without JavaScript the server-rendered text ("29 min left") stays.
 */
export const COUNTDOWN_JS = `(function () {
  var times = document.querySelectorAll('time[data-countdown]')
  if (times.length === 0) return
  function pad (n) { return n < 10 ? '0' + n : String(n) }
  function tick () {
    times.forEach(function (time) {
      var left = Math.floor((Date.parse(time.getAttribute('datetime')) - Date.now()) / 1000)
      if (left <= 0) { time.textContent = 'ended (reload the page)'; return }
      var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60
      time.textContent = (h > 0 ? h + ':' + pad(m) : String(m)) + ':' + pad(s) + ' left'
    })
  }
  tick()
  setInterval(tick, 1000)
})()
`
