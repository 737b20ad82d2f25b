/**
 * The few mini-program runtime globals the example page uses, declared here instead of pulling in
 * miniprogram-api-typings. In a real project that package (or the devtools' template typings) replaces this file.
 */
declare namespace MiniProgramLite {
  type Wx = import('./wxpay-client.js').WxLike & {
    showToast(options: { title: string; icon?: 'success' | 'error' | 'loading' | 'none'; duration?: number }): void;
  };

  interface PageInstance<D> {
    readonly data: D;
    setData(patch: Partial<D>, callback?: () => void): void;
  }

  type PageOptions<D, M> = {
    data: D;
    onLoad?(query: Record<string, string | undefined>): void;
  } & M &
    ThisType<PageInstance<D> & M>;
}

declare const wx: MiniProgramLite.Wx;
declare function Page<D extends object, M extends object>(options: MiniProgramLite.PageOptions<D, M>): void;
