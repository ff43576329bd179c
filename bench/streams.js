// Opens N live-update streams (GET /events/requests) as N signed-in pages
// would, prints "open N" once every one is answered, and holds them until
// killed. Usage: node bench/streams.js HOST:PORT COOKIE N
const http = require("http");
const [address, cookie, count] = process.argv.slice(2);
const [host, port] = address.split(":");
let open = 0, failed = 0;
for (let i = 0; i < Number(count); i++) {
  const request = http.request({
    host, port, path: "/events/requests", agent: false,
    headers: { Cookie: cookie, Accept: "text/event-stream" },
  }, (response) => {
    if (response.statusCode === 200) open++; else failed++;
    response.on("data", () => {});
    if (open + failed === Number(count)) console.log(`open ${open} failed ${failed}`);
  });
  request.on("error", () => { failed++; });
  request.end();
}
setInterval(() => {}, 1 << 30);
