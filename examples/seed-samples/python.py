# The seed's Python sample. Corrected: the seed passes an empty host to HTTPSConnection and puts the domain in
# the request path, and its JSON payload has unescaped quotes (a SyntaxError). Domain, user id and token come
# from the environment.
import http.client
import os

conn = http.client.HTTPSConnection(os.environ["PORTRAIT_DOMAIN"])

payload = "{\"user_metadata\": {\"picture\": \"https://example.com/some-image.png\"}}"

headers = {
    'authorization': "Bearer " + os.environ["MGMT_API_ACCESS_TOKEN"],
    'content-type': "application/json"
    }

conn.request("PATCH", "/api/v2/users/" + os.environ["USER_ID"], payload, headers)

res = conn.getresponse()
data = res.read()

print(data.decode("utf-8"))
