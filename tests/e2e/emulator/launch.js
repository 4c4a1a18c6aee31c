// Test-only launcher of the npm Bot API emulator `telegram-test-api` 4.2.1, for python-telegram-bot 22.
// The package is left untouched: an outer express app answers a few bot-side methods in front of it (the
// corrections listed in tests/e2e/README.md) and hands everything else to the package's own routes.
// Usage: node launch.js [port]   (prints "LISTENING <port>"; exits when its stdin closes)
'use strict';
const http = require('http');
const express = require('express');
const TelegramServer = require('telegram-test-api');

const server = new TelegramServer({ host: '127.0.0.1', port: 1 }); // never start()ed: we serve it ourselves
server.setMaxListeners(0);
const answers = []; // callback answers (popups): the package drops them
const blocked = new Set(); // "token/chatId" of users who blocked the bot
const refused = []; // sends refused with 403, for the tests
const USER_EVENTS = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'];
const SUPPORTED = new Set(['sendMessage', 'editMessageText', 'editMessageReplyMarkup', 'deleteMessage',
  'setWebhook', 'deleteWebhook']); // left to the package after the layers below
const STUBS = ['setMyCommands', 'deleteMyCommands', 'sendChatAction', 'setChatMenuButton', 'setMyDescription',
  'setMyShortDescription', 'close', 'logOut'];

// (1) Callback updates get the `chat_instance` PTB requires (without it PTB drops the whole batch).
const formatUpdate = TelegramServer.formatUpdate;
TelegramServer.formatUpdate = (u) => {
  const out = formatUpdate(u);
  if (out.callback_query) out.callback_query.chat_instance = String(u.callbackQuery.message?.chat?.id ?? 0);
  return out;
};

// Answers go out with res.send: the layers below replace res.json to post-process the package's answers.
const reply = (res, code, body) => res.status(code).type('json').send(JSON.stringify(body));
const ok = (res, result) => reply(res, 200, { ok: true, result });
const fail = (res, code, description) => reply(res, code, { ok: false, error_code: code, description });
const botUser = (token) => ({ id: Number(token.split(':')[0]) || 666, is_bot: true, first_name: 'HRD Bot',
  username: 'TestNameBot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false });
const findBotMessage = (token, p) => server.storage.botMessages.find((u) => u.botToken === token
  && String(u.messageId) === String(p.message_id) && String(u.message.chat_id) === String(p.chat_id));
const asMessage = (token, rec, extra) => ({ message_id: rec.messageId, date: Math.floor(rec.time / 1000),
  chat: { id: Number(rec.message.chat_id), type: 'private', first_name: 'User' }, from: botUser(token),
  text: rec.message.text, reply_markup: rec.message.reply_markup, ...extra });
const tooLong = (text) => [...String(text ?? '')].length > 4096;

const app = express();
app.use(express.json(), express.urlencoded({ extended: true }));
const bot = express.Router({ mergeParams: true });
app.use('/bot:token', bot);

// (2) getMe: a User with is_bot (PTB's initialize() requires it).
bot.all('/getMe', (req, res) => ok(res, botUser(req.params.token)));
// (3) getUpdates honours offset (confirmation), limit and timeout (long polling).
bot.all('/getUpdates', (req, res) => {
  const p = { ...req.query, ...req.body }, token = req.params.token, offset = Number(p.offset) || 0;
  const pending = () => server.storage.userMessages.filter((u) => {
    if (u.botToken === token && u.updateId < offset) u.isRead = true; // confirmed by the offset
    return u.botToken === token && !u.isRead;
  }).slice(0, Math.min(Number(p.limit) || 100, 100));
  if (pending().length || !(Number(p.timeout) > 0)) return ok(res, pending().map(TelegramServer.formatUpdate));
  let timer = null;
  const done = () => { clearTimeout(timer); USER_EVENTS.forEach((e) => server.off(e, wake)); };
  const wake = () => { done(); if (!res.writableEnded) ok(res, pending().map(TelegramServer.formatUpdate)); };
  timer = setTimeout(wake, Number(p.timeout) * 1000);
  USER_EVENTS.forEach((e) => server.on(e, wake));
  res.on('close', done);
});
// (4) Users who blocked the bot: every send* to them is a Telegram-shaped 403.
bot.all(/^\/send/, (req, res, next) => {
  if (!blocked.has(`${req.params.token}/${req.body.chat_id}`)) return next();
  refused.push({ token: req.params.token, chatId: Number(req.body.chat_id), method: req.path.slice(1) });
  return fail(res, 403, 'Forbidden: bot was blocked by the user');
});
// (5) sendMessage: Telegram's text checks, and the answer's date in seconds (the package gives milliseconds).
bot.all('/sendMessage', (req, res, next) => {
  if (!String(req.body.text ?? '').trim()) return fail(res, 400, 'Bad Request: message text is empty');
  if (tooLong(req.body.text)) return fail(res, 400, 'Bad Request: message is too long');
  const send = res.json.bind(res);
  res.json = (body) => send({ ...body, result: { ...body.result, date: Math.floor(body.result.date / 1000),
    from: botUser(req.params.token) } });
  return next();
});
// (6) Edits answer the edited Message (the package answers null), 400 when the message is unknown or unchanged,
//     and an edit without reply_markup removes the keyboard as Telegram does.
bot.all(['/editMessageText', '/editMessageReplyMarkup'], (req, res, next) => {
  const token = req.params.token, rec = findBotMessage(token, req.body);
  if (!rec) return fail(res, 400, 'Bad Request: message to edit not found');
  if (tooLong(req.body.text)) return fail(res, 400, 'Bad Request: message is too long');
  const before = JSON.stringify([rec.message.text, rec.message.reply_markup ?? null]);
  res.json = () => {
    if (!('reply_markup' in req.body)) delete rec.message.reply_markup;
    if (JSON.stringify([rec.message.text, rec.message.reply_markup ?? null]) === before) {
      return fail(res, 400, 'Bad Request: message is not modified: specified new message content and reply markup '
        + 'are exactly the same as a current content and reply markup of the message');
    }
    return ok(res, asMessage(token, rec, { edit_date: Math.floor(Date.now() / 1000) }));
  };
  return next();
});
// (7) answerCallbackQuery answers true and keeps the popup text for the user's side; deleteMessage answers true.
bot.all('/answerCallbackQuery', (req, res) => {
  const q = server.storage.userMessages.find((u) => String(u.callbackId) === String(req.body.callback_query_id));
  answers.push({ token: req.params.token, chatId: q?.callbackQuery?.from?.id, text: req.body.text ?? '',
    show_alert: String(req.body.show_alert) === 'true' });
  return ok(res, true);
});
bot.all('/deleteMessage', (req, res, next) => {
  res.json = (body) => (body.ok ? ok(res, true) : fail(res, 400, body.description || 'Bad Request'));
  return next();
});
// (8) Methods the bot calls at start-up get Telegram's answer; any other unsupported method is a 400, not a 500.
STUBS.forEach((m) => bot.all(`/${m}`, (req, res) => ok(res, true)));
bot.all('/getMyCommands', (req, res) => ok(res, []));
bot.all('/:method', (req, res, next) => (SUPPORTED.has(req.params.method) ? next()
  : fail(res, 400, `Bad Request: method ${req.params.method} is not supported by the emulator`)));

// The user's side, beyond the package's own: block/unblock the bot, see popups and refused sends.
app.post('/blockBot', (req, res) => {
  const key = `${req.body.token}/${req.body.chatId}`;
  if (req.body.blocked === false) blocked.delete(key); else blocked.add(key);
  ok(res, true);
});
app.post('/getCallbackAnswers', (req, res) => ok(res, answers.filter((a) => a.token === req.body.token)));
app.post('/getRefused', (req, res) => ok(res, refused.filter((a) => a.token === req.body.token)));
app.use(server.webServer); // the package itself: its client API and the remaining bot methods

const listener = http.createServer(app).listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${listener.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
