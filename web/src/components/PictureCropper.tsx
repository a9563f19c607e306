// Picture upload: the chosen image cropped to a square (zoom and position), previewed as it will appear, and
// sent as a PNG. The server still checks, strips and resizes whatever arrives (pictures/upload-pipeline.ts).
import { Avatar, Button, Group, Modal, Slider, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';

const SIZE = 256;

export function PictureCropper({ file, onCancel, onCropped }: { file: File | null; onCancel: () => void; onCropped: (blob: Blob) => Promise<void> }) {
  const [image, setImage] = useState<HTMLImageElement | null>(null);
  const [zoom, setZoom] = useState(1);
  const [x, setX] = useState(50);
  const [y, setY] = useState(50);
  const [preview, setPreview] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const canvas = useRef<HTMLCanvasElement>(document.createElement('canvas'));

  useEffect(() => {
    if (!file) return;
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      setImage(img);
      setZoom(1);
      setX(50);
      setY(50);
      setError('');
    };
    img.onerror = () => setError('This file is not an image the browser can read.');
    img.src = url;
    return () => URL.revokeObjectURL(url);
  }, [file]);

  useEffect(() => {
    if (!image) return;
    const side = Math.min(image.naturalWidth, image.naturalHeight) / zoom;
    const sx = ((image.naturalWidth - side) * x) / 100;
    const sy = ((image.naturalHeight - side) * y) / 100;
    const c = canvas.current;
    c.width = SIZE;
    c.height = SIZE;
    c.getContext('2d')!.drawImage(image, sx, sy, side, side, 0, 0, SIZE, SIZE);
    setPreview(c.toDataURL('image/png'));
  }, [image, zoom, x, y]);

  return (
    <Modal opened={!!file} onClose={onCancel} title="Crop the picture" centered>
      <Stack>
        {error ? (
          <Text c="red" role="alert">{error}</Text>
        ) : (
          <>
            <Group justify="center">
              <Avatar src={preview} alt="Cropped preview" size={160} radius="50%" />
              <Avatar src={preview} alt="" size={40} />
            </Group>
            <Text size="sm" id="zoom-label">Zoom</Text>
            <Slider aria-labelledby="zoom-label" min={1} max={4} step={0.05} value={zoom} onChange={setZoom} label={(v) => `${v.toFixed(1)}×`} />
            <Text size="sm" id="x-label">Horizontal position</Text>
            <Slider aria-labelledby="x-label" min={0} max={100} value={x} onChange={setX} />
            <Text size="sm" id="y-label">Vertical position</Text>
            <Slider aria-labelledby="y-label" min={0} max={100} value={y} onChange={setY} />
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>Cancel</Button>
          <Button
            disabled={!image || !!error}
            loading={busy}
            onClick={() =>
              canvas.current.toBlob(async (blob) => {
                if (!blob) return;
                setBusy(true);
                try {
                  await onCropped(blob);
                } catch (e) {
                  setError((e as Error).message);
                } finally {
                  setBusy(false);
                }
              }, 'image/png')
            }
          >
            Upload
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
