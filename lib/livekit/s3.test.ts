import { describe, expect, it } from "vitest";
import { objectUrl } from "./s3";
import { signS3Request } from "./s3-sign";

describe("S3 signature version 4", () => {
  it("matches AWS's published GET Object example (examplebucket/test.txt, Range bytes=0-9)", () => {
    const headers = signS3Request({
      method: "GET",
      url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"),
      region: "us-east-1",
      accessKey: "AKIAIOSFODNN7EXAMPLE",
      secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      headers: { range: "bytes=0-9" },
      now: new Date("2013-05-24T00:00:00Z"),
    });
    expect(headers).toEqual({
      range: "bytes=0-9",
      "x-amz-date": "20130524T000000Z",
      "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    });
  });

  it("addresses objects path-style on S3-compatible endpoints and virtual-hosted on AWS", () => {
    const c = {
      bucket: "clips",
      region: "auto",
      accessKey: "a",
      secret: "s",
      forcePathStyle: true,
      endpoint: "http://127.0.0.1:9000",
    };
    expect(objectUrl(c, "clipstream/s 1/00001.mp4").href).toBe(
      "http://127.0.0.1:9000/clips/clipstream/s%201/00001.mp4",
    );
    expect(objectUrl({ ...c, endpoint: undefined, region: "eu-west-1", forcePathStyle: false }, "a/b.mp4").href).toBe(
      "https://clips.s3.eu-west-1.amazonaws.com/a/b.mp4",
    );
  });
});
