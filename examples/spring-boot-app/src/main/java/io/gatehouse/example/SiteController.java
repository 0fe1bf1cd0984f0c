package io.gatehouse.example;

import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The form-login site: its state lives in the HttpSession, which is a Gatehouse session. */
@RestController
public class SiteController {

    @GetMapping("/web/me")
    public Map<String, Object> me(Principal user, HttpSession session) {
        Object theme = session.getAttribute("theme");
        return Map.of("user", user.getName(), "theme", theme == null ? "none" : theme);
    }

    @PostMapping("/web/theme")
    public Map<String, Object> theme(@RequestParam String theme, HttpSession session) {
        session.setAttribute("theme", theme);
        return Map.of("theme", theme);
    }
}
