<?php
// The seed's PHP sample. Corrected: the JSON payload's inner quotes were unescaped inside a double-quoted
// string (a parse error); it is single-quoted now. Domain, user id and token come from the environment.
$curl = curl_init();

curl_setopt_array($curl, [
  CURLOPT_URL => "https://" . getenv("PORTRAIT_DOMAIN") . "/api/v2/users/" . getenv("USER_ID"),
  CURLOPT_RETURNTRANSFER => true,
  CURLOPT_ENCODING => "",
  CURLOPT_MAXREDIRS => 10,
  CURLOPT_TIMEOUT => 30,
  CURLOPT_HTTP_VERSION => CURL_HTTP_VERSION_1_1,
  CURLOPT_CUSTOMREQUEST => "PATCH",
  CURLOPT_POSTFIELDS => '{"user_metadata": {"picture": "https://example.com/some-image.png"}}',
  CURLOPT_HTTPHEADER => [
    "authorization: Bearer " . getenv("MGMT_API_ACCESS_TOKEN"),
    "content-type: application/json"
  ],
]);

$response = curl_exec($curl);
$err = curl_error($curl);

curl_close($curl);

if ($err) {
  echo "cURL Error #:" . $err;
} else {
  echo $response;
}
