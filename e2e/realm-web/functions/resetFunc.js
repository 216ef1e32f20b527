// Custom password reset function of the suite's function app, after the App Services docs' example
// (a security question). RealmWebCompatibilityTest copies it into the app export.
//
// realm-web's callResetPasswordFunction({email, password}, ...args) sends `args` as canonical
// Extended JSON; the function receives the call's details and then those arguments as JavaScript
// values. Every call's token goes to the test harness's recorder (see confirmFunc.js), so that a
// 'pending' reset can be finished with resetPassword. Outcome:
//   securityAnswer 'blue' and code the number 42   'success': the new password applies now
//   securityAnswer 'later'                         'pending': nothing changes until resetPassword
//   anything else                                  'fail'
// For usernames starting with 'types', it checks instead that the arguments of the suite's
// EJSON test arrived as the right JavaScript types, and throws an Error naming every mismatch
// (the server logs it: "function 'resetFunc' of app ... failed: threw Error: ...").
exports = async ({ username, password, token, tokenId, currentPasswordValid }, securityAnswer, code, ...rest) => {
  await record({ function: "reset", username, token, tokenId, currentPasswordValid });
  if (username.startsWith("types")) {
    checkTypes([securityAnswer, code, ...rest]);
    return { status: "success" };
  }
  if (securityAnswer === "blue" && code === 42) return { status: "success" };
  if (securityAnswer === "later") return { status: "pending" };
  return { status: "fail" };
};

// The date the suite sends: 2024-01-02T03:04:05.678Z.
const SENT_DATE_MILLIS = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

/** Expects ("s", 42, 1.5, {nested: true}, [1, "two"], Date) as sent by the suite. */
function checkTypes(args) {
  const [text, integer, double, object, array, date] = args;
  const problems = [];
  const expect = (ok, what) => {
    if (!ok) problems.push(what);
  };
  expect(args.length === 6, `6 arguments, got ${args.length}`);
  expect(text === "s", `"s" as a string, got ${describe(text)}`);
  expect(typeof integer === "number" && integer === 42, `42 as a number, got ${describe(integer)}`);
  expect(typeof double === "number" && double === 1.5, `1.5 as a number, got ${describe(double)}`);
  expect(typeof object === "object" && object !== null && !Array.isArray(object) && object.nested === true
    && Object.keys(object).length === 1, `{nested: true} as an object, got ${describe(object)}`);
  expect(Array.isArray(array) && array.length === 2 && array[0] === 1 && array[1] === "two",
    `[1, "two"] as an array, got ${describe(array)}`);
  expect(date instanceof Date && date.getTime() === SENT_DATE_MILLIS,
    `a Date of ${new Date(SENT_DATE_MILLIS).toISOString()}, got ${describe(date)}`);
  if (problems.length > 0) throw new Error(`unexpected reset arguments: ${problems.join("; ")}`);
}

/** A value with its type, for the error message. */
function describe(value) {
  const type = value === null ? "null" : Array.isArray(value) ? "array" : value instanceof Date ? "Date" : typeof value;
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    text = String(value);
  }
  return `${type} ${text}`;
}

/** Sends one call to the recorder; the number of calls it has seen for this function and username. */
async function record(call) {
  const reply = await context.http.post({ url: context.values.get("recorderUrl"), body: call, encodeBodyAsJSON: true });
  if (reply.statusCode !== 200) throw new Error(`the recorder answered ${reply.statusCode}`);
  return JSON.parse(reply.body.text()).calls;
}
