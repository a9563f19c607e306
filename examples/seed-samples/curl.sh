#!/bin/sh
# The seed's cURL sample, as printed; only the domain, user id and token come from the environment.
curl --request PATCH \
  --url "https://${PORTRAIT_DOMAIN}/api/v2/users/${USER_ID}" \
  --header "authorization: Bearer ${MGMT_API_ACCESS_TOKEN}" \
  --header 'content-type: application/json' \
  --data '{"user_metadata": {"picture": "https://example.com/some-image.png"}}'
