/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.trainer.TrainerException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** References, Docker config logins and the layer tar, without a registry. */
class OciReferenceAndLoginTest {
  private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

  @Test
  void parsesRegistryRepositoryTagAndDigest() {
    OciReference ref = OciReference.parse("oci://registry.local:5000/team/models/gpt:v1@" + DIGEST);
    assertThat(ref.registry()).isEqualTo("registry.local:5000");
    assertThat(ref.repository()).isEqualTo("team/models/gpt");
    assertThat(ref.tag()).isEqualTo("v1");
    assertThat(ref.digest()).isEqualTo(DIGEST);
    assertThat(ref.qualifier()).isEqualTo(DIGEST);
    assertThat(ref.pinned()).isEqualTo("registry.local:5000/team/models/gpt@" + DIGEST);
    assertThat(ref.toString()).isEqualTo("oci://registry.local:5000/team/models/gpt:v1@" + DIGEST);
    assertThat(OciReference.parse("oci://r/x").qualifier()).isEqualTo("latest");
    assertThat(OciReference.parse("oci://r/x:t").withDigest(DIGEST).toString())
        .isEqualTo("oci://r/x:t@" + DIGEST);
    for (String bad :
        List.of(
            "oci://r", "oci://r/Upper", "oci://r/x:bad/tag", "oci://r/x@sha256:12", "hf://a/b")) {
      assertThatThrownBy(() -> OciReference.parse(bad))
          .as(bad)
          .isInstanceOf(TrainerException.class)
          .hasMessageContaining(bad);
    }
  }

  @Test
  void readsEachFormOfADockerConfigAndNeverShowsTheSecret(@TempDir Path dir) throws Exception {
    String auth =
        Base64.getEncoder().encodeToString("alice:s3cr:et".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("config.json");
    Files.writeString(
        file,
        "{\"auths\": {\"https://a.example:5000/v1/\": {\"auth\": \""
            + auth
            + "\"}, \"b.example\": {\"username\": \"bob\", \"password\": \"pw-b\"},"
            + " \"c.example\": {\"identitytoken\": \"tok-c\"}}}");
    RegistryLogin a = RegistryLogin.read(file, "a.example:5000").orElseThrow();
    assertThat(a.username()).isEqualTo("alice");
    assertThat(a.secret()).isEqualTo("s3cr:et");
    assertThat(a.toString()).doesNotContain("s3cr");
    assertThat(RegistryLogin.read(file, "b.example").orElseThrow().secret()).isEqualTo("pw-b");
    RegistryLogin c = RegistryLogin.read(file, "c.example").orElseThrow();
    assertThat(c.username()).isEqualTo("<token>");
    assertThat(c.secret()).isEqualTo("tok-c");
    assertThat(RegistryLogin.read(file, "d.example")).isEmpty();
    assertThat(RegistryLogin.registries(file))
        .containsExactly("a.example:5000", "b.example", "c.example");

    Files.writeString(file, "{\"auths\": {\"x\": {\"password\": \"only-pw\"}}} trailing junk {");
    assertThatThrownBy(() -> RegistryLogin.read(file, "x"))
        .isInstanceOf(TrainerException.class)
        .hasMessageNotContaining("only-pw");
    Files.writeString(file, "{\"auths\": {\"x\": {\"auth\": \"bm8tY29sb24=\"}}}");
    assertThatThrownBy(() -> RegistryLogin.read(file, "x"))
        .hasMessageContaining("not base64 of user:password")
        .hasMessageNotContaining("bm8tY29sb24");
  }

  @Test
  void aLayerIsTheSameForTheSameBytesAndUnpacksUnderModels(@TempDir Path dir) throws Exception {
    Path one = dir.resolve("one/config.json");
    Path two = dir.resolve("two/config.json");
    Files.createDirectories(one.getParent());
    Files.createDirectories(two.getParent());
    Files.writeString(one, "{\"model_type\": \"gpt2\"}");
    Files.writeString(two, "{\"model_type\": \"gpt2\"}");
    Files.setLastModifiedTime(two, java.nio.file.attribute.FileTime.fromMillis(0));
    ModelLayer.Blob a = new ModelLayer(one, "config.json").describe();
    assertThat(new ModelLayer(two, "config.json").describe()).isEqualTo(a);
    assertThat(new ModelLayer(two, "sub/config.json").describe()).isNotEqualTo(a);

    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    new ModelLayer(one, "sub/config.json").writeTo(tar);
    assertThat(tar.size()).isEqualTo(new ModelLayer(one, "sub/config.json").describe().size());
    Path out = dir.resolve("out");
    List<String> written =
        ModelLayer.unpack(new ByteArrayInputStream(tar.toByteArray()), out, "test");
    assertThat(written).containsExactly("sub/config.json");
    assertThat(Files.mismatch(one, out.resolve("sub/config.json"))).isEqualTo(-1L);
  }
}
