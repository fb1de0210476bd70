package io.chat.notification.service;

import io.chat.notification.config.NotificationConfig;
import io.chat.notification.repository.DigestRepository.DigestLine;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders and sends one digest email (HTML and plain text; user content escaped by Qute in the HTML part). */
@ApplicationScoped
public class DigestMailer {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM d, HH:mm");

    @TemplateData
    public record Line(String sender, String time, String text) {
    }

    @TemplateData
    public record RoomBlock(String name, String link, List<Line> lines) {
    }

    @Inject
    ReactiveMailer mailer;
    @Inject
    NotificationConfig config;
    @Inject
    UnsubscribeTokens tokens;

    @Location("digest.html")
    Template html;
    @Location("digest.txt")
    Template text;

    public Uni<Void> send(String userId, String email, String name, String timeZone, boolean previews,
            List<DigestLine> lines) {
        int max = config.digest().maxMessages();
        List<DigestLine> kept = lines.stream().sorted(Comparator.comparing(DigestLine::createdAt)).toList();
        int omitted = Math.max(0, kept.size() - max);
        kept = kept.subList(omitted, kept.size()); // the newest `max` lines

        ZoneId zone = NotificationPolicy.zone(timeZone);
        Map<String, List<DigestLine>> byRoom = new LinkedHashMap<>();
        for (DigestLine l : kept) {
            byRoom.computeIfAbsent(l.roomId(), k -> new ArrayList<>()).add(l);
        }
        String base = config.publicBaseUrl().replaceAll("/+$", "");
        List<RoomBlock> rooms = new ArrayList<>();
        byRoom.forEach((roomId, roomLines) -> {
            DigestLine first = roomLines.get(0);
            String roomName = first.roomName() != null && !first.roomName().isBlank() ? first.roomName()
                    : "direct".equals(first.roomKind()) ? "Direct message" : "Conversation";
            List<Line> out = roomLines.stream().sorted(Comparator.comparingLong(DigestLine::seq))
                    .map(l -> new Line(l.senderName() != null ? l.senderName() : "Someone",
                            TIME.format(l.createdAt().atZone(zone)), previews ? l.text() : null))
                    .toList();
            rooms.add(new RoomBlock(roomName, base + "/rooms/" + URLEncoder.encode(roomId, StandardCharsets.UTF_8), out));
        });
        String unsubscribe = base + "/api/notifications/unsubscribe?token=" + tokens.issue(userId);
        int total = lines.size();
        String subject = total == 1 ? "You missed a message" : "You missed " + total + " messages";
        Map<String, Object> data = Map.of("subject", subject, "name", name == null ? "there" : name, "total", total,
                "rooms", rooms, "omitted", omitted, "unsubscribeUrl", unsubscribe);
        Mail mail = Mail.withHtml(email, subject, html.data(data).render())
                .setText(text.data(data).render())
                // RFC 8058 one-click unsubscribe for mail clients
                .addHeader("List-Unsubscribe", "<" + unsubscribe + ">")
                .addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return mailer.send(mail);
    }
}
