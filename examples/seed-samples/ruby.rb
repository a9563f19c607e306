# The seed's Ruby sample. Corrected: the JSON payload's inner quotes were unescaped inside a double-quoted
# string (a syntax error); it is single-quoted now. Domain, user id and token come from the environment.
# Left as printed although worth changing in your own code: VERIFY_NONE turns off certificate checks.
require 'uri'
require 'net/http'
require 'openssl'

url = URI("https://#{ENV.fetch('PORTRAIT_DOMAIN')}/api/v2/users/#{ENV.fetch('USER_ID')}")

http = Net::HTTP.new(url.host, url.port)
http.use_ssl = true
http.verify_mode = OpenSSL::SSL::VERIFY_NONE

request = Net::HTTP::Patch.new(url)
request["authorization"] = "Bearer #{ENV.fetch('MGMT_API_ACCESS_TOKEN')}"
request["content-type"] = 'application/json'
request.body = '{"user_metadata": {"picture": "https://example.com/some-image.png"}}'

response = http.request(request)
puts response.read_body
