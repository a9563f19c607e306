// The seed's C# (RestSharp, pre-107 API) sample. Corrected: the JSON payload's inner quotes were unescaped
// (a compile error); a verbatim string doubles them now. Domain, user id and token come from the environment.
// Not compiled in CI: RestSharp is not packaged for Debian.
var client = new RestClient("https://" + Environment.GetEnvironmentVariable("PORTRAIT_DOMAIN") + "/api/v2/users/" + Environment.GetEnvironmentVariable("USER_ID"));
var request = new RestRequest(Method.PATCH);
request.AddHeader("authorization", "Bearer " + Environment.GetEnvironmentVariable("MGMT_API_ACCESS_TOKEN"));
request.AddHeader("content-type", "application/json");
request.AddParameter("application/json", @"{""user_metadata"": {""picture"": ""https://example.com/some-image.png""}}", ParameterType.RequestBody);
IRestResponse response = client.Execute(request);
