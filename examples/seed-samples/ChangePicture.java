// The seed's Java (Unirest) sample. Corrected: the JSON payload's inner quotes were unescaped (a compile
// error); it also needed a class, a main method and imports to compile. Domain, user id and token come from
// the environment.
import com.mashape.unirest.http.HttpResponse;
import com.mashape.unirest.http.Unirest;

public class ChangePicture {
  public static void main(String[] args) throws Exception {
    HttpResponse<String> response = Unirest.patch("https://" + System.getenv("PORTRAIT_DOMAIN") + "/api/v2/users/" + System.getenv("USER_ID"))
      .header("authorization", "Bearer " + System.getenv("MGMT_API_ACCESS_TOKEN"))
      .header("content-type", "application/json")
      .body("{\"user_metadata\": {\"picture\": \"https://example.com/some-image.png\"}}")
      .asString();
    System.out.println(response.getBody());
    Unirest.shutdown();
  }
}
