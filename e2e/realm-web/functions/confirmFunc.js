// Custom confirmation function of the suite's function app (App Services style: the source assigns
// the function to `exports`). RealmWebCompatibilityTest copies it into the app export.
//
// Like a real app would mail or text the token to the user, it hands every call's token to an
// outside service: the test harness's recorder (value `recorderUrl`), which answers how often it
// was called for this username and lets the suite read the tokens back. The outcome depends only
// on the username, so each test picks one by its address:
//   fail…     'fail': the registration is refused
//   pending…  'pending': the user confirms later with confirmUser and this call's token
//   retry…    'pending' on the first call, 'success' on any later one (retryCustomConfirmation)
//   other     'success': confirmed at once
exports = async ({ token, tokenId, username }) => {
  const calls = await record({ function: "confirm", username, token, tokenId });
  if (username.startsWith("fail")) return { status: "fail" };
  if (username.startsWith("pending")) return { status: "pending" };
  if (username.startsWith("retry")) return { status: calls === 1 ? "pending" : "success" };
  return { status: "success" };
};

/** Sends one call to the recorder; the number of calls it has seen for this function and username. */
async function record(call) {
  const reply = await context.http.post({ url: context.values.get("recorderUrl"), body: call, encodeBodyAsJSON: true });
  if (reply.statusCode !== 200) throw new Error(`the recorder answered ${reply.statusCode}`);
  return JSON.parse(reply.body.text()).calls;
}
