// The seed's Node.js (axios) sample, as printed; only the domain, user id and token come from the environment.
var axios = require("axios").default;

var options = {
  method: 'PATCH',
  url: `https://${process.env.PORTRAIT_DOMAIN}/api/v2/users/${process.env.USER_ID}`,
  headers: {
    authorization: `Bearer ${process.env.MGMT_API_ACCESS_TOKEN}`,
    'content-type': 'application/json'
  },
  data: {user_metadata: {picture: 'https://example.com/some-image.png'}}
};

axios.request(options).then(function (response) {
  console.log(response.data);
}).catch(function (error) {
  console.error(error);
});
