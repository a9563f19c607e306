// The seed's Go sample. Corrected: the JSON payload's inner quotes were unescaped (a compile error); it is a
// raw string literal now. Domain, user id and token come from the environment.
package main

import (
	"fmt"
	"io/ioutil"
	"net/http"
	"os"
	"strings"
)

func main() {

	url := "https://" + os.Getenv("PORTRAIT_DOMAIN") + "/api/v2/users/" + os.Getenv("USER_ID")

	payload := strings.NewReader(`{"user_metadata": {"picture": "https://example.com/some-image.png"}}`)

	req, _ := http.NewRequest("PATCH", url, payload)

	req.Header.Add("authorization", "Bearer "+os.Getenv("MGMT_API_ACCESS_TOKEN"))
	req.Header.Add("content-type", "application/json")

	res, _ := http.DefaultClient.Do(req)

	defer res.Body.Close()
	body, _ := ioutil.ReadAll(res.Body)

	fmt.Println(res)
	fmt.Println(string(body))

}
